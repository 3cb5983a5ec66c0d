"""Survival summaries and arm comparisons for one ADTTE parameter, by cohort and combined.

This module owns the time-to-event tables of the report: per cohort and
allocated arm, the number of participants and events, the median with R's
interval and the survival at landmark times (:func:`kaplan_meier`); per
cohort, the log-rank test and the Cox hazard ratio of consolidation against
salvage; and the combined analysis that adjusts for cohort (log-rank and
Cox stratified by cohort), as the protocol asks (issue 10 item 3). Times
are ADTTE's AVAL in days; an event is CNSR = 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from oncotrial.analysis.survival import cox, kaplan_meier, logrank
from oncotrial.analysis.tables.groups import COHORTS, cohort_arm_groups, ordered

EXPERIMENTAL, CONTROL = "consolidation", "salvage"
COMBINED = "combined (stratified by cohort)"
SUMMARY_COLUMNS = (
    "paramcd",
    "cohort",
    "arm",
    "n",
    "events",
    "median",
    "median_lower",
    "median_upper",
)
COMPARISON_COLUMNS = (
    "paramcd",
    "analysis",
    "n",
    "events",
    "logrank_chisq",
    "logrank_p",
    "hr",
    "hr_lower",
    "hr_upper",
    "wald_p",
)


def parameter(adtte: pd.DataFrame, paramcd: str) -> pd.DataFrame:
    """The rows of one ADTTE parameter with an 0/1 EVENT column."""
    rows = adtte.loc[adtte["PARAMCD"] == paramcd]
    if rows.empty:
        raise ValueError(f"adtte: no rows for PARAMCD {paramcd!r}")
    return rows.assign(EVENT=(rows["CNSR"] == 0).astype("int64"))


def survival_summary(
    adtte: pd.DataFrame, paramcd: str, landmarks: Sequence[float] = (182.0, 365.0)
) -> pd.DataFrame:
    """n, events, median (R's interval) and landmark survival per cohort and arm (days)."""
    rows = []
    data = parameter(adtte, paramcd)
    for cohort, arm, g in cohort_arm_groups(data, "TRT01P"):
        row: dict[str, object] = {
            "paramcd": paramcd,
            "cohort": cohort,
            "arm": arm,
            "n": len(g),
            "events": int(g["EVENT"].sum()),
        }
        if len(g):
            fit = kaplan_meier(g["AVAL"], g["EVENT"])
            low, high = fit.median_ci
            row.update(median=fit.median, median_lower=low, median_upper=high)
            for t in landmarks:
                at = fit.survival_at(t)
                row.update(
                    {
                        f"surv_{t:g}": at.survival,
                        f"surv_{t:g}_lower": at.lower,
                        f"surv_{t:g}_upper": at.upper,
                    }
                )
        rows.append(row)
    out = pd.DataFrame(rows)
    for column in out.columns:
        if column not in ("paramcd", "cohort", "arm", "n", "events"):
            out[column] = out[column].astype("float64")
    return out.astype({"n": "int64", "events": "int64"})


def arm_comparison(adtte: pd.DataFrame, paramcd: str) -> pd.DataFrame:
    """Log-rank and Cox HR (consolidation vs salvage) per cohort and combined over cohorts."""
    data = parameter(adtte, paramcd)
    data = data.loc[data["TRT01P"].isin([EXPERIMENTAL, CONTROL])]
    data = data.assign(EXPERIMENTAL=(data["TRT01P"] == EXPERIMENTAL).astype("int64"))
    analyses = [(c, data.loc[data["COHORT"] == c], None) for c in ordered(data["COHORT"], COHORTS)]
    if data["COHORT"].nunique() > 1:
        analyses.append((COMBINED, data, "COHORT"))
    rows = [
        {"paramcd": paramcd, "analysis": name, **compare_arms(rows, strata)}
        for name, rows, strata in analyses
    ]
    out = pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS))
    return out.astype({"n": "int64", "events": "int64"})


def compare_arms(rows: pd.DataFrame, strata: str | None) -> dict[str, float | int]:
    """Log-rank and Cox of EXPERIMENTAL (0/1) on rows of one parameter; NaN when not estimable."""
    out: dict[str, float | int] = {"n": len(rows), "events": int(rows["EVENT"].sum())}
    nan = dict.fromkeys(
        ("logrank_chisq", "logrank_p", "hr", "hr_lower", "hr_upper", "wald_p"), math.nan
    )
    events_by_arm = rows.groupby("EXPERIMENTAL")["EVENT"].sum().reindex([0, 1], fill_value=0)
    if rows["EXPERIMENTAL"].nunique() < 2 or (events_by_arm == 0).any():
        # no comparison, or a hazard ratio of 0 or infinity: report it as not estimable
        return {**out, **nan}
    strata_values = rows[strata] if strata else None
    test = logrank(rows["AVAL"], rows["EVENT"], rows["EXPERIMENTAL"], strata=strata_values)
    model = cox(rows, "AVAL", "EVENT", ["EXPERIMENTAL"], strata=strata)
    summary = model.summary().loc["EXPERIMENTAL"]
    return {
        **out,
        "logrank_chisq": test.chisq,
        "logrank_p": test.p_value,
        "hr": float(summary["hr"]),
        "hr_lower": float(summary["hr_lower"]),
        "hr_upper": float(summary["hr_upper"]),
        "wald_p": float(summary["p"]),
    }
