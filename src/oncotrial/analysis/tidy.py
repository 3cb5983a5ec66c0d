"""The tidy per-domain tables: the one shape clinical data takes on its way
from the database (or the cohort generator) to derived tables, statistics,
reports and exports (DESIGN.md, "Data flows one way").

One row per observation, SDTM-like variable names where SDTM has one
(statistics-and-standards.md §4.1). Dates are pandas ``datetime64[ns]`` at day
precision; a missing date is ``NaT``. Categorical codes are the protocol's
own identifiers (arm ``consolidation``/``salvage``, cohort
``randomized``/``preference``) and RECIST / CTCAE category names.

`validate(domain, frame)` checks a table against `DOMAINS` and names every
missing or mistyped column, so a producer cannot drift from this contract
silently.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

# kind: "str" (object or string dtype), "int", "float", "bool", "date"
DOMAINS: Mapping[str, Mapping[str, str]] = {
    # Demographics: one row per participant who was screened.
    "DM": {
        "USUBJID": "str",  # screening number, unique in the trial
        "SITEID": "str",  # site code
        "AGE": "int",  # whole years at screening
        "SEX": "str",  # F / M
        "SCRNDT": "date",  # screening date
        "COHORT": "str",  # randomized / preference / "" when not allocated
        "ARMCD": "str",  # consolidation / salvage / "" when not allocated
        "ALLOCDT": "date",  # allocation date (day 0), NaT when not allocated
        "INDRESP": "str",  # response to induction: CR / PR / SD
        "METORG": "str",  # metastatic organ sites: "1" / "2+"
        "ECOG": "int",  # at screening
    },
    # Eligibility: one row per participant and criterion of the last screening.
    "IE": {
        "USUBJID": "str",
        "IETESTCD": "str",  # criterion id, e.g. I4
        "IECAT": "str",  # inclusion / exclusion
        "IEORRES": "str",  # met / not_met / insufficient
    },
    # Disposition: milestones and the reasons for leaving.
    "DS": {
        "USUBJID": "str",
        # SCREEN_FAILURE, ALLOCATED, TREATED, COMPLETED, WITHDRAWN,
        # LOST_TO_FOLLOW_UP, DEATH
        "DSDECOD": "str",
        "DSTERM": "str",  # free-text or coded reason
        "DSSTDT": "date",
    },
    # Systemic therapy: one row per agent and cycle given.
    "EX": {
        "USUBJID": "str",
        "EXTRT": "str",  # paclitaxel, cisplatin, carboplatin, fluorouracil, capecitabine, <PD-1>
        "EXCAT": "str",  # chemotherapy / pd1
        "EXCYCLE": "int",
        "EXDOSE": "float",
        "EXDOSU": "str",  # mg, mg/m2, AUC ...
        "EXSTDT": "date",
    },
    # Radiotherapy: one row per course and target.
    "PR": {
        "USUBJID": "str",
        "PRCAT": "str",  # consolidation / salvage
        "PRLOC": "str",  # primary / regional_nodes / <organ of a metastasis>
        "PRDOSE": "float",  # total Gy
        "PRFRACT": "int",
        "PRSTDT": "date",
        "PRENDT": "date",
    },
    # Tumour measurements: one row per lesion and assessment.
    "TR": {
        "USUBJID": "str",
        "TRLNKID": "str",  # lesion id (T1, NT1, N1 ...)
        "TRROLE": "str",  # target / non_target / new_target / new_non_target
        "TRORGAN": "str",
        "TRNODAL": "bool",
        "TRSTRESN": "float",  # mm (NaN for non-measured)
        "TRSTRESC": "str",  # "" or too_small / disappeared / present / absent / unequivocal_pd ...
        "TRDT": "date",
    },
    # Responses: one row per assessment and criteria (RECIST1.1 / iRECIST).
    "RS": {
        "USUBJID": "str",
        "RSCAT": "str",  # RECIST1.1 / iRECIST
        "RSTESTCD": "str",  # OVRLRESP (time point) / BESTRESP
        "RSSTRESC": "str",  # CR PR SD NON_CR_NON_PD NE PD / iCR iPR iSD iUPD iCPD ...
        "RSDT": "date",
    },
    # Adverse events (CTCAE v5.0).
    "AE": {
        "USUBJID": "str",
        "AEDECOD": "str",  # CTCAE term
        "AEBODSYS": "str",  # system organ class
        "AETOXGR": "int",  # 1-5
        "AESER": "bool",
        "AESTDT": "date",
        "AEENDT": "date",
        # Attribution: unrelated / unlikely / possible / probable / definite / "".
        "AERELRT": "str",  # to radiotherapy
        "AERELCT": "str",  # attribution to chemotherapy (strongest over agents)
        "AERELIO": "str",  # attribution to the PD-1 inhibitor
        "AEIMMUNE": "bool",  # immune-related
    },
    # Survival status contacts and deaths.
    "SS": {
        "USUBJID": "str",
        "SSDT": "date",
        "SSSTRESC": "str",  # ALIVE / DEAD
    },
}


class TidyTableError(ValueError):
    """A table that does not follow `DOMAINS`."""


def _kind_of(series: pd.Series) -> str:
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_integer_dtype(dtype):
        return "int"
    if pd.api.types.is_float_dtype(dtype):
        return "float"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "date"
    if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
        return "str"
    return str(dtype)


def validate(domain: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Return `frame` if it follows the contract of `domain`, else raise.

    Extra columns are allowed (producers may carry more); an integer column
    may be float when it holds missing values only if declared "float".
    """
    if domain not in DOMAINS:
        raise TidyTableError(f"unknown domain {domain!r}; known: {', '.join(DOMAINS)}")
    problems = []
    for column, kind in DOMAINS[domain].items():
        if column not in frame.columns:
            problems.append(f"{domain}.{column}: missing column")
            continue
        found = _kind_of(frame[column])
        if found != kind and not (kind == "float" and found == "int"):
            problems.append(f"{domain}.{column}: expected {kind}, found {found}")
    if problems:
        raise TidyTableError("; ".join(problems))
    return frame


def empty(domain: str) -> pd.DataFrame:
    """An empty table of `domain` with the declared column types."""
    dtypes = {
        "str": "object",
        "int": "int64",
        "float": "float64",
        "bool": "bool",
        "date": "datetime64[ns]",
    }
    return pd.DataFrame(
        {column: pd.Series(dtype=dtypes[kind]) for column, kind in DOMAINS[domain].items()}
    )
