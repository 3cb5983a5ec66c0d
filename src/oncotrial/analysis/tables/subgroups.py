"""Hazard ratios of consolidation against salvage within subgroups: the forest plot's numbers.

This module owns the subgroup analysis table (issue 10 item 4): for one
ADTTE parameter over the intention-to-treat set, a Cox model of the
allocated arm (:func:`oncotrial.analysis.survival.cox`, Efron ties) in all
participants and within each level of each baseline factor of ADSL. The
model is stratified by cohort wherever both cohorts are present, so the
randomized and preference cohorts are never pooled without adjustment. A
subgroup where an arm is missing or has no events is reported with NaN
(not estimable) rather than an infinite ratio. Subgroup results are
descriptive: no interaction test is implied.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from oncotrial.analysis.tables.groups import COHORTS, ordered
from oncotrial.analysis.tables.survival import CONTROL, EXPERIMENTAL, compare_arms, parameter
from oncotrial.text import gettext_noop

SUBGROUPS: tuple[tuple[str, str], ...] = (
    ("COHORT", gettext_noop("Cohort")),
    ("AGEGR1", gettext_noop("Age group")),
    ("SEX", gettext_noop("Sex")),
    ("ECOG", gettext_noop("ECOG performance status")),
    ("INDRESP", gettext_noop("Response to induction")),
    ("METORG", gettext_noop("Metastatic organ sites")),
)
ALL = gettext_noop("All participants")
COLUMNS = (
    "paramcd",
    "subgroup",
    "label",
    "level",
    "n",
    "events",
    "hr",
    "hr_lower",
    "hr_upper",
    "wald_p",
)


def subgroup_hazard_ratios(
    adtte: pd.DataFrame,
    adsl: pd.DataFrame,
    paramcd: str,
    subgroups: Sequence[tuple[str, str]] = SUBGROUPS,
) -> pd.DataFrame:
    """One row for all participants, then one per subgroup level: n, events, HR and its CI."""
    data = parameter(adtte, paramcd)
    data = data.loc[data["TRT01P"].isin([EXPERIMENTAL, CONTROL])]
    factors = [column for column, _ in subgroups if column != "COHORT"]
    data = data.merge(adsl[["USUBJID", *factors]], on="USUBJID", how="left")
    data = data.assign(EXPERIMENTAL=(data["TRT01P"] == EXPERIMENTAL).astype("int64"))
    rows = [_row(paramcd, "", ALL, "", data)]
    for column, label in subgroups:
        values = data[column].astype(str)
        for level in ordered(values, COHORTS if column == "COHORT" else ()):
            rows.append(_row(paramcd, column, label, level, data.loc[values == level]))
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    return out.astype({"n": "int64", "events": "int64"})


def _row(paramcd: str, subgroup: str, label: str, level: str, rows: pd.DataFrame) -> dict:
    strata = "COHORT" if rows["COHORT"].nunique() > 1 else None
    result = compare_arms(rows, strata)
    keep = ("n", "events", "hr", "hr_lower", "hr_upper", "wald_p")
    return {
        "paramcd": paramcd,
        "subgroup": subgroup,
        "label": label,
        "level": level,
        **{k: result[k] for k in keep},
    }
