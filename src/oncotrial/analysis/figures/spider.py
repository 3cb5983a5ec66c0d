"""Spider plot: each participant's % change in the target-lesion sum over time.

This module owns the spider figure (issue: tumour response on the trial
pages), drawn from ADTR (:func:`oncotrial.analysis.derive.derive_adtr`): one
line per participant from its baseline (0 %) through every later sum, by
days since allocation, coloured by allocated arm, with the RECIST 1.1 guide
lines at +20 % and -30 % (§2.4; a guide, not a response).

Each line's gid is the participant's USUBJID, so a test reads the plot's
content rather than its pixels.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.figure import Figure

from oncotrial.analysis.figures.canvas import (
    PathLike,
    Translate,
    arm_colour,
    label,
    new_figure,
    save_figure,
)
from oncotrial.analysis.figures.waterfall import PD_THRESHOLD, PR_THRESHOLD
from oncotrial.text import gettext_noop


def spider_figure(
    adtr: pd.DataFrame,
    arms: pd.Series,
    *,
    translate: Translate = None,
    path: PathLike | Sequence[PathLike] | None = None,
) -> Figure:
    """The spider plot of `adtr`; `arms` maps USUBJID to the allocated arm."""
    fig = new_figure(7.5, 4.2)
    ax = fig.add_subplot()
    seen: set[str] = set()
    for index, (subject, rows) in enumerate(adtr.sort_values("ADY").groupby("USUBJID", sort=True)):
        arm = str(arms.get(subject, ""))
        rows = rows.loc[rows["PCHG"].notna()]
        if rows.empty:
            continue
        (line,) = ax.plot(
            rows["ADY"],
            rows["PCHG"],
            marker="o",
            markersize=3,
            color=arm_colour(arm, index),
            label=arm if arm not in seen else None,
        )
        line.set_gid(str(subject))
        seen.add(arm)
    ax.axhline(PD_THRESHOLD, linestyle="--", linewidth=0.8, color="grey")
    ax.axhline(PR_THRESHOLD, linestyle="--", linewidth=0.8, color="grey")
    ax.axhline(0, linewidth=0.6, color="black")
    ax.set_xlabel(label(gettext_noop("Days since allocation"), translate))
    ax.set_ylabel(label(gettext_noop("Change in target-lesion sum from baseline (%)"), translate))
    if seen:
        ax.legend(loc="upper right", fontsize="small")
    save_figure(fig, path)
    return fig
