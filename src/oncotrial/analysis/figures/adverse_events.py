"""AE chart: the share of participants by worst grade for the most frequent terms, per arm.

This module owns the adverse-event figure (issue 10 item 4), drawn from the
table of :func:`oncotrial.analysis.tables.ae_incidence` for one cohort and
one attribution: a panel per arm as treated, the terms most often reported
down the side, and for each a horizontal bar stacked by worst CTCAE grade
whose segments are the percentages of the arm's safety set.

Artists carry ids: each panel's label is ``ae:<arm>``, each segment's gid
``<term>:grade_<g>``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from oncotrial.analysis.figures.canvas import PathLike, Translate, label, new_figure, save_figure
from oncotrial.analysis.tables.adverse_events import ANY_TERM, GRADES
from oncotrial.analysis.tables.groups import ARMS, TOTAL, ordered
from oncotrial.text import gettext_noop

GRADE_COLOURS = ("#fee391", "#fdae6b", "#f16913", "#d94801", "#7f2704")


def top_terms(incidence: pd.DataFrame, top: int) -> list[str]:
    """The `top` terms with most participants over the arms shown (ties by name)."""
    rows = incidence.loc[(incidence["term"] != ANY_TERM) & (incidence["arm"] != TOTAL)]
    counts = rows.groupby("term")["any_grade"].sum()
    return sorted(counts.index, key=lambda t: (-counts[t], t))[:top]


def ae_chart(
    incidence: pd.DataFrame,
    cohort: str,
    *,
    attribution: str = "all",
    top: int = 15,
    title: str | None = None,
    translate: Translate = None,
    path: PathLike | Sequence[PathLike] | None = None,
) -> Figure:
    """Stacked bars of worst grade (% of the arm's safety set) for the top terms of one cohort."""
    rows = incidence.loc[
        (incidence["cohort"] == cohort) & (incidence["attribution"] == attribution)
    ]
    if rows.empty:
        raise ValueError(f"incidence: no rows for cohort {cohort!r}, attribution {attribution!r}")
    terms = top_terms(rows, top)
    arms = [a for a in ordered(rows["arm"], ARMS) if a != TOTAL]
    fig = new_figure(4.5 * len(arms) + 2.5, 0.3 * len(terms) + 1.8)
    axes = np.atleast_1d(fig.subplots(1, len(arms), sharey=True, squeeze=False)[0])
    ys = np.arange(len(terms))
    widest = 0.0
    for ax, arm in zip(axes, arms, strict=True):
        mine = rows.loc[rows["arm"] == arm].set_index("term")
        n_arm = int(mine["N"].iloc[0]) if len(mine) else 0
        left = np.zeros(len(terms))
        for grade, colour in zip(GRADES, GRADE_COLOURS, strict=True):
            counts = mine[grade].reindex(terms, fill_value=0).to_numpy(dtype=float)
            widths = 100.0 * counts / n_arm if n_arm else np.zeros_like(counts)
            bars = ax.barh(ys, widths, left=left, color=colour, height=0.7)
            for bar, term in zip(bars, terms, strict=True):
                bar.set_gid(f"{term}:{grade}")
            left += widths
        widest = max(widest, float(left.max(initial=0.0)))
        ax.set_label(f"ae:{arm}")
        ax.set_title(label(gettext_noop("%(arm)s (N=%(n)d)"), translate, arm=arm, n=n_arm))
        ax.set_xlabel(label(gettext_noop("Participants (%)"), translate))
        ax.grid(axis="x", alpha=0.3)
    for ax in axes:
        ax.set_xlim(0, min(100.0, widest * 1.15 + 1.0))
    axes[0].set_yticks(ys, terms, fontsize=8)
    axes[0].set_ylim(len(terms) - 0.5, -0.5)
    handles = [
        Patch(color=c, label=label(gettext_noop("Grade %(g)d"), translate, g=i + 1))
        for i, c in enumerate(GRADE_COLOURS)
    ]
    axes[-1].legend(handles=handles, fontsize=7, loc="lower right")
    if title:
        fig.suptitle(title)
    save_figure(fig, path)
    return fig
