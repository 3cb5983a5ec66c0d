"""Swimmer plot: each participant's course over time since allocation.

This module owns the swimmer figure (issue 10 item 4). One lane per
allocated participant, grouped by arm and ordered by follow-up, longest
first, built by :func:`swimmer_data` from ADSL, ADRS and the tidy PR table:

- the lane runs from allocation to death, or to the last date known alive;
- a darker band covers study treatment (ADSL TRTSDT to TRTEDT);
- radiotherapy courses (PR, on or after allocation) are bands coloured by
  intent (consolidation / salvage);
- marks: first RECIST 1.1 response (CR or PR), first progression (PD),
  death, and an arrow for participants still on study.

Artists carry ids: lanes ``lane:<USUBJID>``, treatment ``treatment:<USUBJID>``,
courses ``rt:<PRCAT>:<USUBJID>``, marks ``<kind>:<USUBJID>`` with kind
response, progression, death or ongoing. For the trial's 120 participants;
`max_lanes` keeps the figure legible and the title says how many are shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from oncotrial.analysis.figures.canvas import (
    PathLike,
    Translate,
    arm_colour,
    label,
    new_figure,
    save_figure,
    time_factor,
)
from oncotrial.analysis.tables.groups import ARMS, ordered
from oncotrial.analysis.tidy import validate
from oncotrial.text import gettext_noop

RT_COLOURS = {"consolidation": "tab:purple", "salvage": "tab:red"}
MARKS = {
    "response": ("o", "tab:green"),
    "progression": ("D", "tab:red"),
    "death": ("X", "black"),
    "ongoing": (">", "grey"),
}
MARK_LABELS = {
    "response": gettext_noop("First response (CR/PR)"),
    "progression": gettext_noop("Progression (PD)"),
    "death": gettext_noop("Death"),
    "ongoing": gettext_noop("On study"),
}


@dataclass(frozen=True)
class SwimmerData:
    """Lanes (USUBJID, arm, end, treatment_start, treatment_end), courses and marks, in units."""

    lanes: pd.DataFrame
    courses: pd.DataFrame
    marks: pd.DataFrame


def swimmer_data(
    adsl: pd.DataFrame,
    adrs: pd.DataFrame,
    pr: pd.DataFrame,
    arm_col: str = "TRT01P",
    time_unit: str = "months",
) -> SwimmerData:
    """The lanes, radiotherapy courses and marks of every ITT participant, time since allocation."""
    validate("PR", pr)
    factor = time_factor(time_unit)
    itt = adsl.loc[adsl["ITTFL"] == "Y"].set_index("USUBJID")

    def since(dates: pd.Series, who: pd.Series | pd.Index) -> np.ndarray:
        alloc = itt["ALLOCDT"].reindex(np.asarray(who)).to_numpy()
        return (dates.to_numpy() - alloc) / np.timedelta64(1, "D") / factor

    end = itt["DTHDT"].fillna(itt["LSTALVDT"])
    lanes = pd.DataFrame(
        {
            "USUBJID": itt.index,
            "arm": itt[arm_col].to_numpy(),
            "end": np.maximum(since(end, itt.index), 0.0),
            "treatment_start": since(itt["TRTSDT"], itt.index),
            "treatment_end": since(itt["TRTEDT"], itt.index),
        }
    )
    arm_rank = {a: i for i, a in enumerate(ordered(lanes["arm"], ARMS))}
    lanes = lanes.assign(rank=lanes["arm"].map(arm_rank))
    lanes = lanes.sort_values(["rank", "end", "USUBJID"], ascending=[True, False, True])
    lanes = lanes.drop(columns="rank").reset_index(drop=True)

    courses = pr.loc[pr["USUBJID"].isin(itt.index)]
    courses = courses.loc[courses["PRSTDT"] >= courses["USUBJID"].map(itt["ALLOCDT"])]
    courses = pd.DataFrame(
        {
            "USUBJID": courses["USUBJID"].to_numpy(),
            "category": courses["PRCAT"].to_numpy(),
            "start": since(courses["PRSTDT"], courses["USUBJID"]),
            "end": since(courses["PRENDT"].fillna(courses["PRSTDT"]), courses["USUBJID"]),
        }
    )

    ovr = adrs.loc[(adrs["PARAMCD"] == "OVR") & adrs["USUBJID"].isin(itt.index)]
    ovr = ovr.sort_values(["USUBJID", "ADT"])
    first_response = ovr.loc[ovr["AVALC"].isin(["CR", "PR"])].drop_duplicates("USUBJID")
    first_pd = ovr.loc[ovr["AVALC"] == "PD"].drop_duplicates("USUBJID")
    dead = itt.loc[itt["DTHDT"].notna()]
    on_study = itt.loc[itt["DTHDT"].isna() & (itt["EOSSTT"] == "ONGOING")]
    lane_end = lanes.set_index("USUBJID")["end"]
    marks = pd.concat(
        [
            pd.DataFrame(
                {
                    "USUBJID": first_response["USUBJID"].to_numpy(),
                    "kind": "response",
                    "time": first_response["ADY"].to_numpy(dtype=float) / factor,
                }
            ),
            pd.DataFrame(
                {
                    "USUBJID": first_pd["USUBJID"].to_numpy(),
                    "kind": "progression",
                    "time": first_pd["ADY"].to_numpy(dtype=float) / factor,
                }
            ),
            pd.DataFrame(
                {
                    "USUBJID": dead.index.to_numpy(),
                    "kind": "death",
                    "time": lane_end.reindex(dead.index).to_numpy(),
                }
            ),
            pd.DataFrame(
                {
                    "USUBJID": on_study.index.to_numpy(),
                    "kind": "ongoing",
                    "time": lane_end.reindex(on_study.index).to_numpy(),
                }
            ),
        ],
        ignore_index=True,
    )
    return SwimmerData(lanes, courses, marks)


def swimmer_figure(
    data: SwimmerData,
    *,
    time_unit: str = "months",
    max_lanes: int = 150,
    title: str | None = None,
    translate: Translate = None,
    path: PathLike | Sequence[PathLike] | None = None,
) -> Figure:
    """Draw the lanes of :func:`swimmer_data` (at most `max_lanes`, in its order)."""
    if data.lanes.empty:
        raise ValueError("data: no participant to draw")
    lanes = data.lanes.head(max_lanes)
    shown = set(lanes["USUBJID"])
    y_of = {u: i for i, u in enumerate(lanes["USUBJID"])}
    fig = new_figure(10, 0.18 * len(lanes) + 2.0)
    ax = fig.subplots()
    ax.set_label("swimmer")
    for i, lane in enumerate(lanes.itertuples()):
        colour = arm_colour(lane.arm)
        ax.barh(
            i, lane.end, left=0.0, height=0.6, color=colour, alpha=0.35, gid=f"lane:{lane.USUBJID}"
        )
        if np.isfinite(lane.treatment_start):
            ax.barh(
                i,
                lane.treatment_end - lane.treatment_start,
                left=lane.treatment_start,
                height=0.25,
                color=colour,
                gid=f"treatment:{lane.USUBJID}",
            )
    for course in data.courses.loc[data.courses["USUBJID"].isin(shown)].itertuples():
        ax.barh(
            y_of[course.USUBJID],
            max(course.end - course.start, 0.05),
            left=course.start,
            height=0.6,
            color=RT_COLOURS.get(course.category, "tab:brown"),
            alpha=0.8,
            gid=f"rt:{course.category}:{course.USUBJID}",
        )
    for mark in data.marks.loc[data.marks["USUBJID"].isin(shown)].itertuples():
        marker, colour = MARKS[mark.kind]
        ax.plot(
            [mark.time],
            [y_of[mark.USUBJID]],
            marker=marker,
            color=colour,
            linestyle="none",
            markersize=5,
            gid=f"{mark.kind}:{mark.USUBJID}",
        )
    ax.set_yticks(range(len(lanes)), lanes["USUBJID"], fontsize=6)
    ax.set_ylim(len(lanes) - 0.5, -0.5)
    unit = {
        "days": gettext_noop("Days"),
        "weeks": gettext_noop("Weeks"),
        "months": gettext_noop("Months"),
    }[time_unit]
    ax.set_xlabel(
        label(gettext_noop("%(unit)s since allocation"), translate, unit=label(unit, translate))
    )
    handles = [Patch(color=arm_colour(a), alpha=0.35, label=a) for a in ordered(lanes["arm"], ARMS)]
    handles += [
        Patch(color=c, label=label(gettext_noop("%(intent)s radiotherapy"), translate, intent=k))
        for k, c in RT_COLOURS.items()
    ]
    handles += [
        Line2D([], [], marker=m, color=c, linestyle="none", label=label(MARK_LABELS[k], translate))
        for k, (m, c) in MARKS.items()
    ]
    ax.legend(handles=handles, fontsize=7, loc="lower right")
    heading = label(
        gettext_noop("%(shown)d of %(total)d participants"),
        translate,
        shown=len(lanes),
        total=len(data.lanes),
    )
    ax.set_title(f"{title} ({heading})" if title else heading)
    save_figure(fig, path)
    return fig
