"""ADTTE: time-to-event parameters per allocated participant, from ADSL and RS.

This module owns the BDS time-to-event table (statistics-and-standards.md
§4.2, ADaM BDS for Time-to-Event v1.0): one row per participant of the
intention-to-treat set (ADSL.ITTFL = "Y") and parameter, with STARTDT (the
allocation date, day 0 of the protocol schedule), ADT, AVAL in days
(ADT - STARTDT; AVALU "DAYS"), CNSR (0 = event, else the reason code of
:class:`~oncotrial.analysis.derive.censoring.Cnsr`), EVNTDESC, CNSDTDSC,
SRCDOM and SRCVAR, plus COHORT, TRT01P and TRT01A for grouping.

Parameters:

- ``OS`` overall survival: death from any cause; alive participants are
  censored at the last date known alive (ADSL.LSTALVDT).
- ``PFS`` progression-free survival by RECIST 1.1 and ``IPFS`` by iRECIST
  (only when the protocol's [settings.progression] ``irecist`` is true):
  progression or death, with the censoring rules of
  :mod:`oncotrial.analysis.derive.censoring`.
- ``TTSRT`` time to salvage radiotherapy: start of the first salvage course;
  a death before it is censored at the death date (a competing event: report
  it beside the curve), otherwise censored at the last date known alive.

Locoregional progression-free survival is not derived: the tidy tables
record one overall response per assessment (RS) and lesion measurements
whose organ is free text (TR.TRORGAN), with no site of progression and no
controlled term that tells regional nodes from distant ones. Deciding from
measurements which lesions drove a progression would be a rule nobody has
written down. It needs a recorded site of first progression (for example an
RS test "locoregional progression" per assessment, or a controlled TRORGAN
vocabulary matching PR.PRLOC's primary / regional_nodes).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from oncotrial.analysis.derive.censoring import (
    CNSDTDSC,
    CensoringRules,
    Cnsr,
    censoring_cut,
    progression_outcome,
)
from oncotrial.analysis.derive.inputs import (
    ADEQUATE_IRECIST,
    ADEQUATE_RECIST,
    IRECIST,
    RECIST,
    response_codes,
)
from oncotrial.analysis.derive.progression import first_pd, irecist_progression
from oncotrial.analysis.tidy import validate

PARAMS = {
    "OS": "Overall survival",
    "PFS": "Progression-free survival (RECIST 1.1)",
    "IPFS": "Progression-free survival (iRECIST)",
    "TTSRT": "Time to salvage radiotherapy",
}
COLUMNS = (
    "USUBJID", "COHORT", "TRT01P", "TRT01A", "PARAMCD", "PARAM", "STARTDT", "ADT", "AVAL",
    "AVALU", "CNSR", "EVNTDESC", "CNSDTDSC", "SRCDOM", "SRCVAR",
)  # fmt: skip


def derive_adtte(
    adsl: pd.DataFrame, rs: pd.DataFrame, rules: CensoringRules | None = None
) -> pd.DataFrame:
    """ADTTE for the ITT participants of `adsl` from the tidy RS time points."""
    rules = rules or CensoringRules()
    validate("RS", rs)
    response_codes(rs)
    itt = adsl.loc[adsl["ITTFL"] == "Y"].set_index("USUBJID")
    timepoints = rs.loc[(rs["RSTESTCD"] == "OVRLRESP") & rs["USUBJID"].isin(itt.index)]
    timepoints = timepoints.loc[timepoints["RSDT"] > timepoints["USUBJID"].map(itt["ALLOCDT"])]
    parts = [_os(itt), _pfs(itt, timepoints, rules, RECIST)]
    if rules.irecist:
        parts.append(_pfs(itt, timepoints, rules, IRECIST))
    parts.append(_ttsrt(itt))
    out = pd.concat(parts, ignore_index=True)
    out["AVAL"] = ((out["ADT"] - out["STARTDT"]) / np.timedelta64(1, "D")).astype("float64")
    out["AVALU"] = "DAYS"
    out["PARAM"] = out["PARAMCD"].map(PARAMS)
    return out.loc[:, list(COLUMNS)]


def _frame(itt: pd.DataFrame, paramcd: str, outcome: pd.DataFrame) -> pd.DataFrame:
    out = outcome.copy()
    out.insert(0, "USUBJID", itt.index.to_numpy())
    out["COHORT"] = itt["COHORT"].to_numpy()
    out["TRT01P"] = itt["TRT01P"].to_numpy()
    out["TRT01A"] = itt["TRT01A"].to_numpy()
    out["PARAMCD"] = paramcd
    out["STARTDT"] = itt["ALLOCDT"].to_numpy()
    return out.reset_index(drop=True)


def _os(itt: pd.DataFrame) -> pd.DataFrame:
    dead = itt["DTHDT"].notna()
    alive = itt["LSTALVDT"].where(itt["LSTALVDT"] > itt["ALLOCDT"], itt["ALLOCDT"])
    cnsr = np.where(dead, int(Cnsr.EVENT), int(Cnsr.LAST_KNOWN_ALIVE))
    outcome = pd.DataFrame(
        {
            "ADT": itt["DTHDT"].where(dead, alive),
            "CNSR": cnsr.astype("int64"),
            "EVNTDESC": np.where(dead, "DEATH", ""),
            "CNSDTDSC": np.where(dead, "", CNSDTDSC[Cnsr.LAST_KNOWN_ALIVE]),
            "SRCDOM": "ADSL",
            "SRCVAR": np.where(dead, "DTHDT", "LSTALVDT"),
        },
        index=itt.index,
    )
    return _frame(itt, "OS", outcome)


def _pfs(
    itt: pd.DataFrame, timepoints: pd.DataFrame, rules: CensoringRules, criteria: str
) -> pd.DataFrame:
    cut = censoring_cut(itt, rules)
    tp = timepoints.loc[timepoints["RSCAT"] == criteria, ["USUBJID", "RSDT", "RSSTRESC"]]
    # assessments after the cut are not used; one on the day of the cut is
    cutdt = tp["USUBJID"].map(cut["CUTDT"])
    tp = tp.loc[cutdt.isna() | (tp["RSDT"] <= cutdt)]
    adequate = ADEQUATE_RECIST if criteria == RECIST else ADEQUATE_IRECIST
    assessments = tp.loc[tp["RSSTRESC"].isin(adequate), ["USUBJID", "RSDT"]]
    assessments = assessments.rename(columns={"RSDT": "ADT"})
    participants = pd.concat([itt[["ALLOCDT", "DTHDT"]], cut], axis=1)
    if criteria == RECIST:
        participants["PROGDT"] = first_pd(tp).reindex(itt.index).astype("datetime64[ns]")
        participants["UNCONF"] = False
        label, paramcd = "DISEASE PROGRESSION (RECIST 1.1)", "PFS"
    else:
        found = irecist_progression(tp).reindex(itt.index)
        event_at_open = rules.unconfirmed_iupd == "event_at_iupd"
        progdt = found["CONFDT"].fillna(found["OPENDT"]) if event_at_open else found["CONFDT"]
        participants["PROGDT"] = progdt.astype("datetime64[ns]")
        participants["UNCONF"] = found["OPENDT"].notna() & (not event_at_open)
        label, paramcd = "DISEASE PROGRESSION (iRECIST: iUPD)", "IPFS"
    outcome = progression_outcome(participants, assessments, rules, label)
    return _frame(itt, paramcd, outcome)


def _ttsrt(itt: pd.DataFrame) -> pd.DataFrame:
    srt = itt["SRTSDT"]
    started = srt.notna() & (itt["DTHDT"].isna() | (srt <= itt["DTHDT"]))
    died = ~started & itt["DTHDT"].notna()
    alive = itt["LSTALVDT"].where(itt["LSTALVDT"] > itt["ALLOCDT"], itt["ALLOCDT"])
    cnsr = np.select(
        [started, died], [int(Cnsr.EVENT), int(Cnsr.DEATH_BEFORE_EVENT)], int(Cnsr.LAST_KNOWN_ALIVE)
    )
    outcome = pd.DataFrame(
        {
            "ADT": srt.where(started, itt["DTHDT"].where(died, alive)),
            "CNSR": cnsr.astype("int64"),
            "EVNTDESC": np.where(started, "SALVAGE RADIOTHERAPY", ""),
            "SRCDOM": np.where(started, "PR", "ADSL"),
            "SRCVAR": np.where(started, "PRSTDT", np.where(died, "DTHDT", "LSTALVDT")),
        },
        index=itt.index,
    )
    outcome["CNSDTDSC"] = outcome["CNSR"].map({int(k): v for k, v in CNSDTDSC.items()})
    return _frame(itt, "TTSRT", outcome)
