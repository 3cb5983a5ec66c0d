"""ADSL: one row per screened participant with cohort, arm, factors, key dates and population flags.

This module owns the subject-level derived table (statistics-and-standards.md
§4.2, ADaMIG v1.3 ADSL) built from the tidy tables of
:mod:`oncotrial.analysis.tidy`. Every participant in DM gets a row, screen
failures included, so that the CONSORT counts come from the same table as
the analyses.

Variables (dates are day precision; "Y"/"N" flags):

- identity and factors: USUBJID, SITEID, AGE, AGEGR1 ("<65" / ">=65", the
  protocol's geriatric age in criterion I3), SEX, ECOG (at screening), and
  the allocation factors besides site: INDRESP (response to induction) and
  METORG (metastatic organ sites). The tidy names are kept; the ADaMIG
  stratification variable names were not verified.
- allocation: COHORT, ARMCD, TRT01P (the allocated arm), TRT01A (the arm as
  treated: "consolidation" when a consolidation radiotherapy course was
  started, otherwise "salvage"; empty when never treated).
- dates: SCRNDT (screening), ALLOCDT (allocation, day 0), RANDDT (allocation
  date in the randomized cohort only), BLTADT (baseline tumour assessment:
  the latest TR date in the baseline window), TRTSDT / TRTEDT (first and last study
  treatment on or after allocation: a systemic cycle of a study category or
  a radiotherapy fraction), CRTSDT / SRTSDT (first consolidation / salvage
  radiotherapy start), NACTSDT (first systemic therapy outside the study
  categories: new anticancer therapy), DTHDT / DTHFL (earliest death date in
  DS or SS), LSTALVDT (last date known alive: the latest of any contact in
  DM, DS, EX, PR, TR, RS, AE and SS, never after death), LTFUDT (lost to
  follow-up), EOSSTT / DCSREAS (end-of-study status and reason).
- populations: SCRNFL (screened: all), SCRFFL (screen failure recorded in
  DS), ITTFL (allocated: the intention-to-treat set, analysed by TRT01P),
  RANDFL / PREFFL (allocated in the randomized / preference cohort), SAFFL
  (allocated and given any study treatment: the safety set, analysed by
  TRT01A), EFFFL (allocated with a target lesion measured in the baseline
  window: the response-evaluable set).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from oncotrial.analysis.derive.inputs import (
    checked,
    first_date,
    known_participants,
    last_date,
    unique_participants,
)
from oncotrial.analysis.tidy import TidyTableError

DOMAINS = ("DM", "IE", "DS", "EX", "PR", "TR", "RS", "AE", "SS")
STUDY_THERAPY_CATEGORIES = ("chemotherapy", "pd1")
RANDOMIZED, PREFERENCE = "randomized", "preference"
CONSOLIDATION, SALVAGE = "consolidation", "salvage"
# DS.DSDECOD values that end study participation, in the order a reason is reported
ENDING = ("DEATH", "WITHDRAWN", "LOST_TO_FOLLOW_UP")

COLUMNS = (
    "USUBJID", "SITEID", "AGE", "AGEGR1", "SEX", "ECOG", "INDRESP", "METORG",
    "COHORT", "ARMCD", "TRT01P", "TRT01A",
    "SCRNDT", "ALLOCDT", "RANDDT", "BLTADT", "TRTSDT", "TRTEDT", "CRTSDT", "SRTSDT", "NACTSDT",
    "DTHDT", "DTHFL", "LSTALVDT", "LTFUDT", "EOSSTT", "DCSREAS",
    "SCRNFL", "SCRFFL", "ITTFL", "RANDFL", "PREFFL", "SAFFL", "EFFFL",
)  # fmt: skip


def derive_adsl(
    tables: Mapping[str, pd.DataFrame],
    *,
    baseline_window: tuple[int, int] = (-28, 0),
    study_therapy_categories: Sequence[str] = STUDY_THERAPY_CATEGORIES,
    geriatric_age: int = 65,
) -> pd.DataFrame:
    """ADSL from the tidy tables DM, IE, DS, EX, PR, TR, RS, AE and SS.

    `baseline_window` is the baseline visit's window in days around
    allocation (protocol visit BL); `study_therapy_categories` are the EX
    categories of the study regimen (anything else is new anticancer
    therapy); `geriatric_age` splits AGEGR1.
    """
    t = checked(tables, DOMAINS)
    dm = t["DM"]
    unique_participants(dm)
    known = pd.Index(dm["USUBJID"])
    for domain in DOMAINS[1:]:
        known_participants(domain, t[domain], known)

    adsl = dm.set_index("USUBJID", drop=False)[
        ["USUBJID", "SITEID", "AGE", "SEX", "ECOG", "INDRESP", "METORG", "COHORT", "ARMCD"]
    ].copy()
    adsl.index.name = None
    allocdt = dm.set_index("USUBJID")["ALLOCDT"]
    allocated = _allocated(dm)
    adsl["AGEGR1"] = np.where(
        adsl["AGE"] >= geriatric_age, f">={geriatric_age}", f"<{geriatric_age}"
    )
    adsl["TRT01P"] = adsl["ARMCD"].where(allocated, "")
    adsl["SCRNDT"] = dm.set_index("USUBJID")["SCRNDT"]
    adsl["ALLOCDT"] = allocdt
    randomized = allocated & (adsl["COHORT"] == RANDOMIZED)
    adsl["RANDDT"] = allocdt.where(randomized)

    _treatment_dates(adsl, t["EX"], t["PR"], study_therapy_categories)
    has_consolidation = adsl["CRTSDT"].notna()
    adsl["TRT01A"] = np.where(
        adsl["TRTSDT"].isna(), "", np.where(has_consolidation, CONSOLIDATION, SALVAGE)
    )
    _survival_dates(adsl, t)
    _disposition(adsl, t["DS"], allocated)

    yes_no = {True: "Y", False: "N"}
    adsl["SCRNFL"] = "Y"
    failed = t["DS"].loc[t["DS"]["DSDECOD"] == "SCREEN_FAILURE", "USUBJID"]
    adsl["SCRFFL"] = adsl["USUBJID"].isin(failed).map(yes_no)
    adsl["ITTFL"] = allocated.map(yes_no)
    adsl["RANDFL"] = randomized.map(yes_no)
    adsl["PREFFL"] = (allocated & (adsl["COHORT"] == PREFERENCE)).map(yes_no)
    adsl["SAFFL"] = (allocated & adsl["TRTSDT"].notna()).map(yes_no)
    adsl["BLTADT"] = _baseline_assessment(t["TR"], allocdt, baseline_window).reindex(adsl.index)
    baseline_target = _baseline_target(t["TR"], allocdt, baseline_window)
    adsl["EFFFL"] = (allocated & adsl["USUBJID"].isin(baseline_target)).map(yes_no)
    return adsl.loc[:, list(COLUMNS)].reset_index(drop=True)


def _allocated(dm: pd.DataFrame) -> pd.Series:
    frame = dm.set_index("USUBJID")
    parts = pd.DataFrame(
        {
            "ARMCD": frame["ARMCD"].fillna("") != "",
            "COHORT": frame["COHORT"].fillna("") != "",
            "ALLOCDT": frame["ALLOCDT"].notna(),
        }
    )
    partial = parts.any(axis=1) & ~parts.all(axis=1)
    if partial.any():
        who = ", ".join(map(str, partial[partial].index[:5]))
        raise TidyTableError(
            "DM: ARMCD, COHORT and ALLOCDT must be all set or all empty;"
            f" {int(partial.sum())} participant(s) differ: {who}"
        )
    return parts.all(axis=1)


def _treatment_dates(
    adsl: pd.DataFrame, ex: pd.DataFrame, pr: pd.DataFrame, categories: Sequence[str]
) -> None:
    alloc = adsl["ALLOCDT"]
    ex = ex.loc[ex["EXSTDT"] >= ex["USUBJID"].map(alloc)]
    study = ex.loc[ex["EXCAT"].isin(list(categories))]
    other = ex.loc[~ex["EXCAT"].isin(list(categories))]
    pr = pr.loc[pr["PRSTDT"] >= pr["USUBJID"].map(alloc)].copy()
    pr["PRLAST"] = pr["PRENDT"].fillna(pr["PRSTDT"])
    first = pd.concat([first_date(study, "EXSTDT"), first_date(pr, "PRSTDT")], axis=1).min(axis=1)
    last = pd.concat([last_date(study, "EXSTDT"), last_date(pr, "PRLAST")], axis=1).max(axis=1)
    adsl["TRTSDT"] = first.reindex(adsl.index).astype("datetime64[ns]")
    adsl["TRTEDT"] = last.reindex(adsl.index).astype("datetime64[ns]")
    for column, category in (("CRTSDT", CONSOLIDATION), ("SRTSDT", SALVAGE)):
        dates = first_date(pr.loc[pr["PRCAT"] == category], "PRSTDT")
        adsl[column] = dates.reindex(adsl.index).astype("datetime64[ns]")
    adsl["NACTSDT"] = first_date(other, "EXSTDT").reindex(adsl.index).astype("datetime64[ns]")


def _survival_dates(adsl: pd.DataFrame, t: Mapping[str, pd.DataFrame]) -> None:
    ds, ss = t["DS"], t["SS"]
    death = pd.concat(
        [
            first_date(ds.loc[ds["DSDECOD"] == "DEATH"], "DSSTDT"),
            first_date(ss.loc[ss["SSSTRESC"] == "DEAD"], "SSDT"),
        ],
        axis=1,
    ).min(axis=1)
    adsl["DTHDT"] = death.reindex(adsl.index).astype("datetime64[ns]")
    adsl["DTHFL"] = np.where(adsl["DTHDT"].notna(), "Y", "")
    contacts = [
        ("DM", "SCRNDT"), ("DM", "ALLOCDT"), ("EX", "EXSTDT"), ("PR", "PRSTDT"),
        ("PR", "PRENDT"), ("TR", "TRDT"), ("RS", "RSDT"), ("AE", "AESTDT"), ("AE", "AEENDT"),
    ]  # fmt: skip
    latest = [last_date(t[domain], column) for domain, column in contacts]
    latest.append(last_date(ss.loc[ss["SSSTRESC"] == "ALIVE"], "SSDT"))
    latest.append(last_date(ds.loc[ds["DSDECOD"] != "DEATH"], "DSSTDT"))
    alive = pd.concat(latest, axis=1).max(axis=1).reindex(adsl.index).astype("datetime64[ns]")
    # a record dated on or after death (e.g. a fatal AE's end) does not show the person alive
    adsl["LSTALVDT"] = alive.mask(adsl["DTHDT"].notna() & (alive > adsl["DTHDT"]), adsl["DTHDT"])


def _disposition(adsl: pd.DataFrame, ds: pd.DataFrame, allocated: pd.Series) -> None:
    adsl["LTFUDT"] = (
        first_date(ds.loc[ds["DSDECOD"] == "LOST_TO_FOLLOW_UP"], "DSSTDT")
        .reindex(adsl.index)
        .astype("datetime64[ns]")
    )
    ending = ds.loc[ds["DSDECOD"].isin(ENDING)].copy()
    ending["ORDER"] = ending["DSDECOD"].map({d: i for i, d in enumerate(ENDING)})
    ending = ending.sort_values(["USUBJID", "DSSTDT", "ORDER"], kind="stable")
    reason = ending.drop_duplicates("USUBJID").set_index("USUBJID")["DSDECOD"]
    completed = ds.loc[ds["DSDECOD"] == "COMPLETED", "USUBJID"].unique()
    adsl["DCSREAS"] = reason.reindex(adsl.index).fillna("").astype(object)
    status = np.select(
        [adsl["DCSREAS"] != "", adsl["USUBJID"].isin(completed), allocated],
        ["DISCONTINUED", "COMPLETED", "ONGOING"],
        "",
    )
    adsl["EOSSTT"] = status


def _baseline_assessment(
    tr: pd.DataFrame, allocdt: pd.Series, window: tuple[int, int]
) -> pd.Series:
    day = (tr["TRDT"] - tr["USUBJID"].map(allocdt)) / np.timedelta64(1, "D")
    inside = tr.loc[(day >= window[0]) & (day <= window[1])]
    return inside.groupby("USUBJID", sort=False)["TRDT"].max().astype("datetime64[ns]")


def _baseline_target(tr: pd.DataFrame, allocdt: pd.Series, window: tuple[int, int]) -> pd.Index:
    targets = tr.loc[tr["TRROLE"] == "target"]
    day = (targets["TRDT"] - targets["USUBJID"].map(allocdt)) / np.timedelta64(1, "D")
    inside = targets.loc[(day >= window[0]) & (day <= window[1])]
    return pd.Index(inside["USUBJID"].unique())
