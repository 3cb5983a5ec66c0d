"""Forest plot of hazard ratios over subgroups, from the table of subgroup_hazard_ratios.

This module owns drawing the subgroup analysis (issue 10 item 4): one row
per table row, top to bottom, a square at the hazard ratio and a line over
its confidence interval on a log scale, a reference line at 1, and beside
each row its n, events and "HR (lower-upper)" ("not estimable" when the
table has NaN). A hazard ratio below 1 favours consolidation.

Artists carry ids: points ``hr:<row>``, interval lines ``ci:<row>``, the
numbers ``estimate:<row>`` (row = the table's row position).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from oncotrial.analysis.figures.canvas import PathLike, Translate, label, new_figure, save_figure
from oncotrial.text import gettext_noop


def row_labels(table: pd.DataFrame, translate: Translate = None) -> list[str]:
    """The text of each row: the subgroup label, then the level indented."""
    return [
        label(row.label, translate)
        if not row.level
        else f"  {label(row.label, translate)}: {row.level}"
        for row in table.itertuples()
    ]


def forest_figure(
    table: pd.DataFrame,
    *,
    title: str | None = None,
    translate: Translate = None,
    path: PathLike | Sequence[PathLike] | None = None,
) -> Figure:
    """Hazard ratios with intervals for each row of a subgroup table (hr, hr_lower, hr_upper)."""
    if table.empty:
        raise ValueError("table: no rows to draw")
    n = len(table)
    fig = new_figure(9, 0.4 * n + 1.6)
    ax = fig.subplots()
    ax.set_label("forest")
    ys = np.arange(n)
    finite = table[["hr", "hr_lower", "hr_upper"]].to_numpy(dtype=float)
    finite = finite[np.isfinite(finite)]
    low = min(0.1, float(finite.min()) * 0.8) if finite.size else 0.1
    high = max(10.0, float(finite.max()) * 1.25) if finite.size else 10.0
    for y, row in zip(ys, table.itertuples(), strict=True):
        if math.isfinite(row.hr):
            ax.hlines(y, row.hr_lower, row.hr_upper, color="black", linewidth=1.2, gid=f"ci:{y}")
            ax.plot([row.hr], [y], marker="s", color="black", markersize=6, gid=f"hr:{y}")
            text = f"{row.hr:.2f} ({row.hr_lower:.2f}-{row.hr_upper:.2f})"
        else:
            text = label(gettext_noop("not estimable"), translate)
        counts = f"{row.n} / {row.events}"
        ax.text(
            1.02,
            y,
            f"{counts:>12}   {text}",
            transform=ax.get_yaxis_transform(),
            va="center",
            fontsize=8,
            family="monospace",
            gid=f"estimate:{y}",
        )
    ax.axvline(1.0, color="grey", linestyle="--", linewidth=0.8)
    ax.set_xscale("log")
    ax.set_xlim(low, high)
    ticks = [t for t in (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 10.0, 20.0) if low <= t <= high]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.minorticks_off()
    ax.set_ylim(n - 0.5, -1.0)
    ax.set_yticks(ys, row_labels(table, translate), fontsize=8)
    ax.text(
        1.02,
        -0.8,
        label(gettext_noop("n / events   HR (95% CI)"), translate),
        transform=ax.get_yaxis_transform(),
        fontsize=8,
        family="monospace",
    )
    ax.set_xlabel(
        label(gettext_noop("Hazard ratio (< 1 favours consolidation radiotherapy)"), translate)
    )
    if title:
        ax.set_title(title)
    save_figure(fig, path)
    return fig
