"""Waterfall plot: each participant's best percentage change in the target-lesion sum, by arm.

This module owns the waterfall figure (issue 10 item 4) drawn from
:func:`oncotrial.analysis.derive.best_percent_change` (ADTR): one panel per
allocated arm, one bar per participant sorted from the largest growth to
the largest shrinkage, dashed lines at +20 % and -30 % (the RECIST 1.1
progression and partial-response thresholds of the sum, §2.4; progression
also needs 5 mm and is judged against the nadir, so a line is a guide, not
a response). Bars below -30 % are green, above +20 % red, others grey.

Artists carry ids: each panel's label is ``waterfall:<arm>``, each bar's gid
the participant's USUBJID.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from oncotrial.analysis.figures.canvas import PathLike, Translate, label, new_figure, save_figure
from oncotrial.analysis.tables.groups import ARMS, ordered
from oncotrial.text import gettext_noop

PR_THRESHOLD, PD_THRESHOLD = -30.0, 20.0


def waterfall_figure(
    best: pd.DataFrame,
    arm_col: str = "TRT01P",
    *,
    title: str | None = None,
    translate: Translate = None,
    path: PathLike | Sequence[PathLike] | None = None,
) -> Figure:
    """Bars of BESTPCHG per participant, one panel per arm, sorted descending."""
    if best.empty:
        raise ValueError("best: no participant with a post-baseline target sum")
    arms = ordered(best[arm_col], ARMS)
    fig = new_figure(5 * len(arms) + 1, 4.5)
    axes = np.atleast_1d(fig.subplots(1, len(arms), sharey=True, squeeze=False)[0])
    for ax, arm in zip(axes, arms, strict=True):
        rows = best.loc[best[arm_col] == arm].sort_values(
            ["BESTPCHG", "USUBJID"], ascending=[False, True]
        )
        values = rows["BESTPCHG"].to_numpy(dtype=float)
        colours = np.where(
            values <= PR_THRESHOLD,
            "tab:green",
            np.where(values >= PD_THRESHOLD, "tab:red", "tab:grey"),
        )
        bars = ax.bar(np.arange(values.size), values, width=0.85, color=colours)
        for bar, usubjid in zip(bars, rows["USUBJID"], strict=True):
            bar.set_gid(str(usubjid))
        ax.set_label(f"waterfall:{arm}")
        ax.axhline(PD_THRESHOLD, color="tab:red", linestyle="--", linewidth=0.8)
        ax.axhline(PR_THRESHOLD, color="tab:green", linestyle="--", linewidth=0.8)
        ax.axhline(0.0, color="black", linewidth=0.6)
        ax.set_xticks([])
        ax.set_title(label(gettext_noop("%(arm)s (n=%(n)d)"), translate, arm=arm, n=values.size))
        ax.set_xlabel(label(gettext_noop("Participants"), translate))
    axes[0].set_ylabel(label(gettext_noop("Best change in target-lesion sum (%)"), translate))
    if title:
        fig.suptitle(title)
    save_figure(fig, path)
    return fig
