"""ADAE: adverse events with treatment-emergent flags, attribution flags and worst-grade flags.

This module owns the occurrence table of adverse events (statistics-and-
standards.md §4.2, ADaM OCCDS v1.1): one row per AE record of a participant
in ADSL, with the treatment and population variables of ADSL joined on.

- TRTEMFL ("Y"/"N"), treatment-emergent: the participant received study
  treatment and the AE started on or after the first dose (TRTSDT) and no
  later than `collection_days` after the last dose (TRTEDT); the protocol
  setting [settings.safety] ``ae_collection_days_after_last_dose`` (ESO-RT:
  90, clinical-rules.md §9.9). An AE of a treated participant with no start
  date counts as treatment-emergent: the conservative reading, so no
  toxicity is lost from the safety tables.
- ASTDY: study day of onset relative to the first dose (day 1 = TRTSDT, no
  day 0), as ADaM counts it.
- ATOXGR: the CTCAE v5.0 grade (AETOXGR).
- RELRTFL, RELCTFL, RELIOFL: related to radiotherapy, chemotherapy, the PD-1
  inhibitor, meaning attribution possible, probable or definite (the usual
  NCI collapse of the five-level scale); RELFL: related to any of them.
- WGRTRMFL: "Y" on one treatment-emergent record per participant and term
  (AEDECOD) carrying the worst grade; WGRFL: the same per participant over
  all terms. Ties go to the earliest onset, then the first record.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from oncotrial.analysis.derive.inputs import known_participants
from oncotrial.analysis.tidy import validate

RELATED = ("possible", "probable", "definite")
ATTRIBUTION = {"RELRTFL": "AERELRT", "RELCTFL": "AERELCT", "RELIOFL": "AERELIO"}
COLUMNS = (
    "USUBJID", "COHORT", "TRT01P", "TRT01A", "SAFFL", "TRTSDT", "TRTEDT", "AESEQ",
    "AEBODSYS", "AEDECOD", "ATOXGR", "AESER", "AEIMMUNE", "ASTDT", "AENDT", "ASTDY",
    "AERELRT", "AERELCT", "AERELIO", "RELRTFL", "RELCTFL", "RELIOFL", "RELFL",
    "TRTEMFL", "WGRTRMFL", "WGRFL",
)  # fmt: skip


def derive_adae(adsl: pd.DataFrame, ae: pd.DataFrame, collection_days: int = 90) -> pd.DataFrame:
    """ADAE from the tidy AE table and ADSL; `collection_days` after the last dose."""
    if isinstance(collection_days, bool) or not isinstance(collection_days, int):
        raise ValueError(f"collection_days: expected a whole number, got {collection_days!r}")
    if collection_days < 0:
        raise ValueError(f"collection_days: must be >= 0, got {collection_days}")
    validate("AE", ae)
    known_participants("AE", ae, pd.Index(adsl["USUBJID"]))
    subj = adsl.set_index("USUBJID")
    out = ae.reset_index(drop=True).copy()
    # AESEQ keeps the input order, so tie-breaks and listings are reproducible
    out["AESEQ"] = out.groupby("USUBJID", sort=False).cumcount() + 1
    for column in ("COHORT", "TRT01P", "TRT01A", "SAFFL", "TRTSDT", "TRTEDT"):
        out[column] = out["USUBJID"].map(subj[column])
    out["ASTDT"] = out["AESTDT"]
    out["AENDT"] = out["AEENDT"]
    out["ATOXGR"] = out["AETOXGR"].astype("int64")
    onset = (out["ASTDT"] - out["TRTSDT"]) / np.timedelta64(1, "D")
    out["ASTDY"] = np.where(onset >= 0, onset + 1, onset)

    treated = out["TRTSDT"].notna()
    window_end = out["TRTEDT"] + pd.Timedelta(days=collection_days)
    inside = (out["ASTDT"] >= out["TRTSDT"]) & (out["ASTDT"] <= window_end)
    emergent = treated & (out["ASTDT"].isna() | inside)
    out["TRTEMFL"] = np.where(emergent, "Y", "N")

    related = []
    for flag, source in ATTRIBUTION.items():
        mask = out[source].isin(RELATED)
        out[flag] = np.where(mask, "Y", "N")
        related.append(mask)
    out["RELFL"] = np.where(np.logical_or.reduce(related), "Y", "N")

    out["WGRTRMFL"] = _worst_flag(out, emergent, ["USUBJID", "AEDECOD"])
    out["WGRFL"] = _worst_flag(out, emergent, ["USUBJID"])
    return out.loc[:, list(COLUMNS)]


def _worst_flag(frame: pd.DataFrame, eligible: pd.Series, keys: list[str]) -> np.ndarray:
    """'Y' on the first record with the highest grade within each `keys` group of `eligible`."""
    ranked = frame.loc[eligible, [*keys, "ATOXGR", "ASTDT", "AESEQ"]].copy()
    ranked["NEG"] = -ranked["ATOXGR"]
    ranked = ranked.sort_values([*keys, "NEG", "ASTDT", "AESEQ"], na_position="last")
    chosen = ranked.drop_duplicates(keys, keep="first").index
    return np.where(frame.index.isin(chosen), "Y", "")
