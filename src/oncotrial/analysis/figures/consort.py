"""CONSORT flow diagram drawn with boxes and arrows from the table of consort_counts.

This module owns the CONSORT figure (issue 10 item 4; CONSORT 2010 flow
diagram, extended to ESO-RT's two cohorts): assessed for eligibility, then
excluded with reasons to the side, allocation per cohort, then per cohort
and arm the allocation with treatment, the follow-up (lost, withdrawn,
died) and the analysis sets. Every number comes from
:func:`oncotrial.analysis.tables.consort_counts`.

Boxes are text boxes with gid ``box:<name>`` (assessed, excluded,
``allocated:<cohort>``, and ``allocation|follow_up|analysis:<cohort>:<arm>``);
arrows are annotations with gid ``arrow:<from>-><to>``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text

from oncotrial.analysis.figures.canvas import PathLike, Translate, label, new_figure, save_figure
from oncotrial.analysis.tables.groups import ARMS, COHORTS, ordered
from oncotrial.text import gettext_noop

COHORT_LABELS = {
    "randomized": gettext_noop("Randomized cohort"),
    "preference": gettext_noop("Preference cohort"),
}


def _count(counts: pd.DataFrame, stage: str, cohort: str = "", arm: str = "") -> int:
    rows = counts.loc[
        (counts["stage"] == stage) & (counts["cohort"] == cohort) & (counts["arm"] == arm)
    ]
    return int(rows["n"].sum())


def _box(ax: Axes, name: str, x: float, y: float, text: str, align: str = "center") -> Text:
    return ax.text(
        x,
        y,
        text,
        ha="center",
        va="center",
        multialignment=align,
        fontsize=7,
        gid=f"box:{name}",
        bbox={"boxstyle": "round,pad=0.5", "fc": "white", "ec": "black"},
    )


def _arrow(ax: Axes, start: Text, end: Text, name: str) -> None:
    ax.annotate(
        "",
        xy=end.get_position(),
        xytext=start.get_position(),
        gid=f"arrow:{name}",
        arrowprops={
            "arrowstyle": "-|>",
            "color": "black",
            "shrinkA": 0,
            "shrinkB": 0,
            "patchA": start.get_bbox_patch(),
            "patchB": end.get_bbox_patch(),
        },
    )


def consort_figure(
    counts: pd.DataFrame,
    *,
    title: str | None = None,
    translate: Translate = None,
    path: PathLike | Sequence[PathLike] | None = None,
) -> Figure:
    """The CONSORT flow diagram of a CONSORT counts table."""
    t = translate
    fig = new_figure(12, 9)
    ax = fig.subplots()
    ax.set_label("consort")
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)

    assessed = _box(
        ax,
        "assessed",
        0.35,
        0.94,
        label(gettext_noop("Assessed for eligibility (n=%(n)d)"), t, n=_count(counts, "assessed")),
    )
    reasons = counts.loc[counts["stage"] == "excluded_reason"]
    lines = [label(gettext_noop("Excluded (n=%(n)d)"), t, n=_count(counts, "excluded"))]
    lines += [f"  {r.reason} (n={r.n})" for r in reasons.itertuples()]
    if len(reasons):
        lines.append(label(gettext_noop("  (a participant may have several reasons)"), t))
    excluded = _box(ax, "excluded", 0.78, 0.86, "\n".join(lines), align="left")
    _arrow(ax, assessed, excluded, "assessed->excluded")

    allocated = counts.loc[(counts["stage"] == "allocated") & (counts["arm"] != "")]
    cohorts = ordered(allocated["cohort"], COHORTS)
    arms_of = {c: ordered(allocated.loc[allocated["cohort"] == c, "arm"], ARMS) for c in cohorts}
    columns = [(c, a) for c in cohorts for a in arms_of[c]]
    width = 1.0 / max(len(columns), 1)
    x_of = {col: width * (i + 0.5) for i, col in enumerate(columns)}
    for cohort in cohorts:
        xs = [x_of[(cohort, a)] for a in arms_of[cohort]]
        name = label(COHORT_LABELS.get(cohort, cohort), t)
        head = _box(
            ax,
            f"allocated:{cohort}",
            sum(xs) / len(xs),
            0.62,
            label(
                gettext_noop("%(cohort)s: allocated (n=%(n)d)"),
                t,
                cohort=name,
                n=_count(counts, "allocated", cohort),
            ),
        )
        _arrow(ax, assessed, head, f"assessed->allocated:{cohort}")
        for arm in arms_of[cohort]:
            x = x_of[(cohort, arm)]
            key = f"{cohort}:{arm}"
            allocation = _box(
                ax,
                f"allocation:{key}",
                x,
                0.45,
                "\n".join(
                    [
                        label(
                            gettext_noop("Allocated to %(arm)s (n=%(n)d)"),
                            t,
                            arm=arm,
                            n=_count(counts, "allocated", cohort, arm),
                        ),
                        label(
                            gettext_noop("Received study treatment (n=%(n)d)"),
                            t,
                            n=_count(counts, "treated", cohort, arm),
                        ),
                        label(
                            gettext_noop("Did not receive it (n=%(n)d)"),
                            t,
                            n=_count(counts, "not_treated", cohort, arm),
                        ),
                    ]
                ),
            )
            follow_up = _box(
                ax,
                f"follow_up:{key}",
                x,
                0.27,
                "\n".join(
                    [
                        label(
                            gettext_noop("Lost to follow-up (n=%(n)d)"),
                            t,
                            n=_count(counts, "lost_to_follow_up", cohort, arm),
                        ),
                        label(
                            gettext_noop("Withdrew (n=%(n)d)"),
                            t,
                            n=_count(counts, "withdrawn", cohort, arm),
                        ),
                        label(
                            gettext_noop("Died (n=%(n)d)"), t, n=_count(counts, "died", cohort, arm)
                        ),
                    ]
                ),
            )
            analysis = _box(
                ax,
                f"analysis:{key}",
                x,
                0.1,
                "\n".join(
                    [
                        label(
                            gettext_noop("Analysed, ITT (n=%(n)d)"),
                            t,
                            n=_count(counts, "analysed", cohort, arm),
                        ),
                        label(
                            gettext_noop("Safety set (n=%(n)d)"),
                            t,
                            n=_count(counts, "analysed_safety", cohort, arm),
                        ),
                    ]
                ),
            )
            _arrow(ax, head, allocation, f"allocated:{cohort}->allocation:{key}")
            _arrow(ax, allocation, follow_up, f"allocation:{key}->follow_up:{key}")
            _arrow(ax, follow_up, analysis, f"follow_up:{key}->analysis:{key}")
    for y, text in (
        (0.53, gettext_noop("Allocation")),
        (0.35, gettext_noop("Follow-up")),
        (0.18, gettext_noop("Analysis")),
    ):
        ax.text(0.0, y, label(text, t), fontsize=8, fontweight="bold", color="tab:blue")
    if title:
        ax.set_title(title)
    save_figure(fig, path)
    return fig
