"""The drawing surface shared by the trial's figures: a bare Agg figure, saving, and label text.

This module owns creating a ``matplotlib.figure.Figure`` on the Agg canvas
(no display, no pyplot global state, safe in a web worker), writing it as
PNG or PDF chosen by the file suffix, and rendering the figures' English
label templates through an optional `translate` callable (the templates are
marked with ``gettext_noop``; the Django shell passes its gettext).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

Translate = Callable[[str], str] | None
PathLike = str | Path
DAYS_PER_MONTH = 365.25 / 12
TIME_UNITS = {"days": 1.0, "weeks": 7.0, "months": DAYS_PER_MONTH}
ARM_COLOURS = {"consolidation": "tab:blue", "salvage": "tab:orange"}


def new_figure(width: float, height: float) -> Figure:
    """An empty figure on the Agg canvas."""
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def save_figure(fig: Figure, path: PathLike | Sequence[PathLike] | None) -> None:
    """Write `fig` to each path: ``.png`` (150 dpi) or ``.pdf``; nothing when `path` is None."""
    if path is None:
        return
    paths = [path] if isinstance(path, str | Path) else list(path)
    for one in paths:
        suffix = Path(one).suffix.lower()
        if suffix not in (".png", ".pdf"):
            raise ValueError(f"path {one}: expected a .png or .pdf file")
        fig.savefig(one, dpi=150 if suffix == ".png" else None)


def to_svg(fig: Figure) -> str:
    """`fig` as SVG text to inline in a page (every text in it is escaped)."""
    import io

    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def label(template: str, translate: Translate = None, **params: Any) -> str:
    """`template` translated when a translator is given, with %(name)s parameters filled."""
    text = translate(template) if translate else template
    return text % params if params else text


def time_factor(unit: str) -> float:
    """Days per `unit` ("days", "weeks" or "months")."""
    if unit not in TIME_UNITS:
        raise ValueError(f"time_unit: expected one of {', '.join(TIME_UNITS)}, got {unit!r}")
    return TIME_UNITS[unit]


def arm_colour(arm: str, index: int = 0) -> str:
    """The arm's colour in every figure; other groups take the colour cycle."""
    return ARM_COLOURS.get(arm, f"C{(index + 2) % 10}")
