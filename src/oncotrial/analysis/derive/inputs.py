"""Checked access to the tidy tables for the derivations, and the day arithmetic they share.

This module owns refusing bad input before anything is derived: a missing
domain, a table that drifts from the contract of
:mod:`oncotrial.analysis.tidy`, a duplicated participant in DM, records of a
participant DM does not know, or a response code no criteria define. Each
error names the domain, the column and the rule, because a quiet fix would
change the analysis without anyone deciding it.

Dates are day precision (the tidy contract); durations are whole calendar
days, ``later - earlier``, as the protocol counts days from allocation (day 0).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from oncotrial.analysis.tidy import TidyTableError, validate

# Time-point response codes that count as an adequate (evaluable) assessment,
# per criteria, in the tidy RS spelling and the CDISC one (response.py). NED (no
# evidence of disease: enrolled with none left) is a scan that showed no progression.
ADEQUATE_RECIST = frozenset({"CR", "PR", "SD", "NON_CR_NON_PD", "NON-CR/NON-PD", "NED", "PD"})
ADEQUATE_IRECIST = frozenset(
    {"iCR", "iPR", "iSD", "NON_iCR_NON_iUPD", "NON-iCR/NON-iUPD", "NED", "iUPD", "iCPD"}
)
NOT_EVALUABLE = "NE"
RECIST = "RECIST1.1"
IRECIST = "iRECIST"
CRITERIA: Mapping[str, frozenset[str]] = {RECIST: ADEQUATE_RECIST, IRECIST: ADEQUATE_IRECIST}
CRITERIA_LABEL: Mapping[str, str] = {RECIST: "RECIST 1.1", IRECIST: "iRECIST"}


def checked(tables: Mapping[str, pd.DataFrame], domains: Iterable[str]) -> dict[str, pd.DataFrame]:
    """The named domains of `tables`, each validated against the tidy contract."""
    wanted = list(domains)
    missing = [d for d in wanted if d not in tables]
    if missing:
        raise TidyTableError(f"tables: missing domain(s) {', '.join(missing)}")
    return {d: validate(d, tables[d]) for d in wanted}


def unique_participants(dm: pd.DataFrame) -> None:
    """DM holds one row per participant."""
    dup = dm["USUBJID"][dm["USUBJID"].duplicated()]
    if not dup.empty:
        raise TidyTableError(f"DM.USUBJID: must be unique; repeated {_some(dup.unique())}")


def known_participants(domain: str, frame: pd.DataFrame, known: pd.Index) -> None:
    """Every record of `domain` belongs to a participant in DM."""
    orphans = pd.Index(frame["USUBJID"].unique()).difference(known)
    if len(orphans):
        raise TidyTableError(
            f"{domain}.USUBJID: {len(orphans)} participant(s) not in DM: {_some(orphans)}"
        )


def response_codes(rs: pd.DataFrame) -> None:
    """RS uses known criteria and, per criteria, known time-point response codes."""
    unknown_cat = sorted(set(rs["RSCAT"].unique()) - set(CRITERIA))
    if unknown_cat:
        raise TidyTableError(f"RS.RSCAT: unknown criteria {unknown_cat}; expected {list(CRITERIA)}")
    for cat, adequate in CRITERIA.items():
        codes = rs.loc[rs["RSCAT"] == cat, "RSSTRESC"].unique()
        bad = sorted(set(codes) - adequate - {NOT_EVALUABLE})
        if bad:
            raise TidyTableError(
                f"RS.RSSTRESC: unknown {cat} response code(s) {bad}; expected"
                f" {sorted(adequate | {NOT_EVALUABLE})}"
            )


def days(later: pd.Series, earlier: pd.Series) -> pd.Series:
    """Whole days from `earlier` to `later` (float, NaN where either date is missing)."""
    return (later - earlier) / np.timedelta64(1, "D")


def first_date(frame: pd.DataFrame, column: str) -> pd.Series:
    """Earliest `column` date per participant (index USUBJID)."""
    return frame.groupby("USUBJID", sort=False)[column].min()


def last_date(frame: pd.DataFrame, column: str) -> pd.Series:
    """Latest `column` date per participant (index USUBJID)."""
    return frame.groupby("USUBJID", sort=False)[column].max()


def _some(values: Iterable[object], limit: int = 5) -> str:
    items = [str(v) for v in values]
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more
