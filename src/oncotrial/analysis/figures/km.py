"""Kaplan-Meier curves by arm with censoring marks and the numbers at risk under the axis.

This module owns the survival figure of the report (issue 10 item 4). Each
group's curve is :func:`oncotrial.analysis.survival.kaplan_meier` fitted on
ADTTE's AVAL in days (so the numbers are R's), drawn as a right-continuous
step in the chosen display unit. Censored times carry a "|" mark on the
curve. The risk table below gives, at each tick, the number still at risk:
participants whose time is at or after the tick (R's ``n.risk``).

Artists carry ids for checking the content: the main axes' label is "km",
the risk table's "risk_table"; curves have gid ``curve:<group>``, censoring
marks ``censor:<group>``, and each risk-table number ``risk:<group>:<time>``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from oncotrial.analysis.figures.canvas import (
    PathLike,
    Translate,
    arm_colour,
    label,
    new_figure,
    save_figure,
    time_factor,
)
from oncotrial.analysis.survival import kaplan_meier
from oncotrial.analysis.tables.groups import ARMS, ordered
from oncotrial.text import gettext_noop


def numbers_at_risk(aval_days: pd.Series, times: Sequence[float], factor: float) -> list[int]:
    """How many have AVAL (days) at or after each display time (days = time x factor)."""
    values = np.sort(aval_days.to_numpy(dtype=float))
    return [int(values.size - np.searchsorted(values, t * factor, side="left")) for t in times]


def km_figure(
    data: pd.DataFrame,
    group_col: str = "TRT01P",
    *,
    time_unit: str = "months",
    risk_times: Sequence[float] | None = None,
    title: str | None = None,
    translate: Translate = None,
    path: PathLike | Sequence[PathLike] | None = None,
) -> Figure:
    """Kaplan-Meier curves of one ADTTE parameter (AVAL in days, CNSR), one per group."""
    if "PARAMCD" in data.columns and data["PARAMCD"].nunique() > 1:
        raise ValueError("data: pass the rows of one PARAMCD")
    if data.empty:
        raise ValueError("data: no rows to draw")
    factor = time_factor(time_unit)
    groups = ordered(data[group_col], ARMS)
    longest = float(data["AVAL"].max()) / factor
    if risk_times is None:
        step = _tick_step(longest, time_unit)
        risk_times = list(np.arange(0.0, longest + step, step))
    risk_times = [float(t) for t in risk_times]

    fig = new_figure(8, 6)
    ax, ax_risk = fig.subplots(2, 1, height_ratios=[4, 1], sharex=True)
    ax.set_label("km")
    ax_risk.set_label("risk_table")
    for i, group in enumerate(groups):
        rows = data.loc[data[group_col] == group]
        fit = kaplan_meier(rows["AVAL"], (rows["CNSR"] == 0).astype(int))
        colour = arm_colour(group, i)
        x = np.concatenate([[0.0], fit.time / factor])
        y = np.concatenate([[1.0], fit.survival])
        ax.step(
            x,
            y,
            where="post",
            color=colour,
            gid=f"curve:{group}",
            label=label(
                gettext_noop("%(group)s (n=%(n)d, events=%(e)d)"),
                translate,
                group=group,
                n=fit.n,
                e=fit.events,
            ),
        )
        censored = fit.n_censor > 0
        ax.plot(
            fit.time[censored] / factor,
            fit.survival[censored],
            linestyle="none",
            marker="|",
            markersize=8,
            color=colour,
            gid=f"censor:{group}",
        )
        for t, n in zip(risk_times, numbers_at_risk(rows["AVAL"], risk_times, factor), strict=True):
            ax_risk.text(
                t,
                i,
                str(n),
                ha="center",
                va="center",
                fontsize=8,
                color=colour,
                gid=f"risk:{group}:{t:g}",
            )
    ax.set_ylim(0.0, 1.02)
    ax.set_xlim(0.0, max(risk_times[-1], longest))
    ax.set_ylabel(label(gettext_noop("Survival probability"), translate))
    ax.legend(loc="upper right", fontsize=8)
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title)
    ax_risk.set_xticks(risk_times)
    ax_risk.set_ylim(len(groups) - 0.5, -0.5)
    ax_risk.set_yticks(range(len(groups)), groups, fontsize=8)
    ax_risk.tick_params(axis="y", length=0, pad=14)
    for side in ("top", "right", "left"):
        ax_risk.spines[side].set_visible(False)
    ax_risk.set_title(label(gettext_noop("Number at risk"), translate), fontsize=9, loc="left")
    unit = {
        "days": gettext_noop("Days"),
        "weeks": gettext_noop("Weeks"),
        "months": gettext_noop("Months"),
    }[time_unit]
    ax_risk.set_xlabel(
        label(gettext_noop("%(unit)s since allocation"), translate, unit=label(unit, translate))
    )
    save_figure(fig, path)
    return fig


def _tick_step(longest: float, unit: str) -> float:
    if unit == "months":
        return 3.0 if longest <= 24 else 6.0 if longest <= 60 else 12.0
    if unit == "weeks":
        return 12.0 if longest <= 104 else 26.0
    return 90.0 if longest <= 730 else 180.0 if longest <= 1825 else 365.0
