"""The analysis groups every table shares: cohort by arm, with cohorts never pooled.

This module owns the order and the denominators of the columns of the
trial's tables. The randomized and preference cohorts are analysed apart
(DESIGN.md; protocol [[cohorts]]), so each table reports cohort by arm, and
a cohort's total, never a trial-wide pool of the two. The efficacy tables
group by the allocated arm (ADSL.TRT01P) over the intention-to-treat set;
the safety tables by the arm as treated (TRT01A) over the safety set.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

COHORTS = ("randomized", "preference")
ARMS = ("consolidation", "salvage")
TOTAL = "total"


def population(adsl: pd.DataFrame, flag: str) -> pd.DataFrame:
    """The participants of ADSL with `flag` = "Y" (e.g. ITTFL, SAFFL, EFFFL)."""
    if flag not in adsl.columns:
        raise ValueError(f"adsl: no population flag column {flag!r}")
    return adsl.loc[adsl[flag] == "Y"]


def ordered(values: pd.Series, known: tuple[str, ...]) -> list[str]:
    """The known values present first in their order, then any others sorted."""
    present = set(values.dropna().unique())
    return [v for v in known if v in present] + sorted(present - set(known))


def cohort_arm_groups(
    frame: pd.DataFrame, arm_col: str, *, totals: bool = True
) -> Iterator[tuple[str, str, pd.DataFrame]]:
    """(cohort, arm, rows) for each cohort and arm present; with `totals`, each cohort's total."""
    for cohort in ordered(frame["COHORT"], COHORTS):
        rows = frame.loc[frame["COHORT"] == cohort]
        for arm in ordered(rows[arm_col], ARMS):
            yield cohort, arm, rows.loc[rows[arm_col] == arm]
        if totals:
            yield cohort, TOTAL, rows
