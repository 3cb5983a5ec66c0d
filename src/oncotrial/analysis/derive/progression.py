"""Progression dates from recorded time-point responses: RECIST 1.1 PD and iRECIST iUPD/iCPD.

This module owns reading the tidy RS time-point responses (RSTESTCD
OVRLRESP) for the progression that PFS counts; it does not judge lesions
(that is :mod:`oncotrial.clinical`, whose results RS records).

- RECIST 1.1: the first time point with PD (clinical-rules.md §2.9).
- iRECIST (clinical-rules.md §3.2, §3.6): the event date is the date of the
  iUPD that a later iCPD confirms, not the iCPD scan date. An iCR, iPR, iSD
  or non-iCR/non-iUPD after an iUPD resets it, so the next iUPD opens a new
  episode; NE leaves it open. An iUPD still open at the last assessment is
  reported separately so the caller can apply the protocol's
  `unconfirmed_iupd` setting. An iCPD without an open iUPD before it counts
  at its own date.

Vectorised over all participants at once (no per-participant loop), so it
scales to the benchmark's 100,000 participants.
"""

from __future__ import annotations

import pandas as pd

IRECIST_RESET = frozenset({"iCR", "iPR", "iSD", "NON_iCR_NON_iUPD", "NON-iCR/NON-iUPD", "NED"})


def first_pd(timepoints: pd.DataFrame) -> pd.Series:
    """RECIST 1.1: date of the first PD per participant (index USUBJID).

    `timepoints`: USUBJID, RSDT, RSSTRESC of one criteria's time points.
    """
    pd_rows = timepoints.loc[timepoints["RSSTRESC"] == "PD"]
    return pd_rows.groupby("USUBJID", sort=False)["RSDT"].min()


def irecist_progression(timepoints: pd.DataFrame) -> pd.DataFrame:
    """iRECIST: per participant (index USUBJID) the confirmed iUPD date and any open iUPD.

    Columns: CONFDT (date of the iUPD confirmed by the first iCPD; NaT if
    none), OPENDT (date of an iUPD still unconfirmed at the last assessment,
    for participants with no confirmed one; else NaT).
    """
    tp = timepoints.sort_values(["USUBJID", "RSDT"], kind="stable").reset_index(drop=True)
    code = tp["RSSTRESC"]
    new_participant = tp["USUBJID"].ne(tp["USUBJID"].shift())
    # an episode starts with each participant and after each reset
    episode = (new_participant | code.isin(IRECIST_RESET)).cumsum()
    iupd_date = tp["RSDT"].where(code == "iUPD")
    # the episode's first iUPD, from its own row on (rows are in date order)
    first_iupd = iupd_date.groupby(episode).transform("min")
    opened = first_iupd.where(tp["RSDT"] >= first_iupd)

    icpd = tp.loc[code == "iCPD"].drop_duplicates("USUBJID", keep="first")
    confirmed = opened.loc[icpd.index].fillna(icpd["RSDT"])
    confdt = pd.Series(confirmed.to_numpy(), index=icpd["USUBJID"].to_numpy(), name="CONFDT")

    last = tp.drop_duplicates("USUBJID", keep="last")
    open_at_end = pd.Series(opened.loc[last.index].to_numpy(), index=last["USUBJID"].to_numpy())
    index = pd.Index(tp["USUBJID"].unique(), name="USUBJID")
    out = pd.DataFrame({"CONFDT": confdt.reindex(index)}, index=index)
    out["OPENDT"] = open_at_end.reindex(index).where(out["CONFDT"].isna())
    return out.astype({"CONFDT": "datetime64[ns]", "OPENDT": "datetime64[ns]"})
