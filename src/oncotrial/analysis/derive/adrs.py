"""ADRS: time-point responses, best overall response and response flags per allocated participant.

This module owns the BDS response table (statistics-and-standards.md §4.2):
for each criteria (PARCAT1 "RECIST 1.1" or "iRECIST") and each participant
of the intention-to-treat set,

- ``OVR`` / ``IOVR``: every post-baseline time-point response recorded in RS
  (RSTESTCD OVRLRESP), AVALC as recorded, ADT and ADY (days since allocation);
- ``BOR`` / ``IBOR``: the best overall response. The one recorded in RS
  (RSTESTCD BESTRESP, the response engine's own result, dated or not; the
  latest if several) is
  used where present (BORSRC "BESTRESP"); otherwise it is derived from the
  time points by the engine's rule,
  :func:`oncotrial.clinical.recist_best.best_overall_response`, with the
  protocol's response settings, the baseline tumour assessment (ADSL.BLTADT,
  else the allocation date) as the baseline date and ADSL.EFFFL as "has
  target disease" (BORSRC "OVRLRESP"); a participant with
  no evaluable record is "NE" (BORSRC "NONE"), so everyone in the analysis
  set is in the denominator (docs/statistics.md). ADT is the first time point
  with that response;
- ``RSP`` / ``IRSP`` (objective response: BOR CR or PR) and ``DCR`` / ``IDCR``
  (disease control: CR, PR, SD or non-CR/non-PD), AVALC "Y" / "N", with the
  categories of :mod:`oncotrial.analysis.response`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from oncotrial.analysis.derive.inputs import CRITERIA_LABEL, IRECIST, RECIST, response_codes
from oncotrial.analysis.response import DISEASE_CONTROL, RESPONSE
from oncotrial.analysis.tidy import validate
from oncotrial.clinical.recist_best import Level, Visit, best_overall_response
from oncotrial.clinical.recist_settings import ResponseSettings

PARAMCD = {
    RECIST: {"OVR": "OVR", "BOR": "BOR", "RSP": "RSP", "DCR": "DCR"},
    IRECIST: {"OVR": "IOVR", "BOR": "IBOR", "RSP": "IRSP", "DCR": "IDCR"},
}
PARAM = {
    "OVR": "Overall response by assessment",
    "BOR": "Best overall response",
    "RSP": "Objective response (CR or PR)",
    "DCR": "Disease control (CR, PR, SD or non-CR/non-PD)",
}
_TO_LEVEL = {
    RECIST: {
        "CR": Level.CR, "PR": Level.PR, "SD": Level.SD, "NON_CR_NON_PD": Level.NON_CR_NON_PD,
        "NON-CR/NON-PD": Level.NON_CR_NON_PD, "NED": Level.NED, "NE": Level.NE, "PD": Level.PD,
    },
    IRECIST: {
        "iCR": Level.CR, "iPR": Level.PR, "iSD": Level.SD,
        "NON_iCR_NON_iUPD": Level.NON_CR_NON_PD, "NON-iCR/NON-iUPD": Level.NON_CR_NON_PD,
        "NED": Level.NED, "NE": Level.NE, "iUPD": Level.UPD, "iCPD": Level.PD,
    },
}  # fmt: skip
_FROM_LEVEL = {
    RECIST: {Level.CR: "CR", Level.PR: "PR", Level.SD: "SD",
             Level.NON_CR_NON_PD: "NON_CR_NON_PD", Level.NED: "NED", Level.NE: "NE",
             Level.PD: "PD", Level.UPD: "PD"},
    IRECIST: {Level.CR: "iCR", Level.PR: "iPR", Level.SD: "iSD",
              Level.NON_CR_NON_PD: "NON_iCR_NON_iUPD", Level.NED: "NED", Level.NE: "NE",
              Level.UPD: "iUPD", Level.PD: "iCPD"},
}  # fmt: skip
COLUMNS = (
    "USUBJID", "COHORT", "TRT01P", "PARCAT1", "PARAMCD", "PARAM", "AVALC", "ADT", "ADY",
    "BORSRC",
)  # fmt: skip


def derive_adrs(
    adsl: pd.DataFrame,
    rs: pd.DataFrame,
    settings: ResponseSettings | None = None,
    criteria: Sequence[str] = (RECIST, IRECIST),
) -> pd.DataFrame:
    """ADRS for the ITT participants of `adsl` from the tidy RS table."""
    settings = settings or ResponseSettings()
    validate("RS", rs)
    response_codes(rs)
    itt = adsl.loc[adsl["ITTFL"] == "Y"].set_index("USUBJID")
    rs = rs.loc[rs["USUBJID"].isin(itt.index)]
    # time points count after allocation; a best response is a summary, dated or not
    post_baseline = rs["RSDT"] > rs["USUBJID"].map(itt["ALLOCDT"])
    rs = rs.loc[post_baseline | (rs["RSTESTCD"] == "BESTRESP")]
    parts = []
    for cat in criteria:
        mine = rs.loc[rs["RSCAT"] == cat]
        timepoints = mine.loc[mine["RSTESTCD"] == "OVRLRESP"].sort_values(
            ["USUBJID", "RSDT"], kind="stable"
        )
        best = _best(itt, mine, timepoints, settings, cat)
        ovr = pd.DataFrame(
            {
                "USUBJID": timepoints["USUBJID"].to_numpy(),
                "PARAMCD": "OVR",
                "AVALC": timepoints["RSSTRESC"].to_numpy(),
                "ADT": timepoints["RSDT"].to_numpy(),
                "BORSRC": "",
            }
        )
        flags = [
            pd.DataFrame(
                {
                    "USUBJID": best["USUBJID"],
                    "PARAMCD": key,
                    "AVALC": np.where(best["AVALC"].isin(list(codes)), "Y", "N"),
                    "ADT": pd.NaT,
                    "BORSRC": "",
                }
            )
            for key, codes in (("RSP", RESPONSE), ("DCR", DISEASE_CONTROL))
        ]
        part = pd.concat([ovr, best, *flags], ignore_index=True)
        part["PARAM"] = part["PARAMCD"].map(PARAM)
        part["PARAMCD"] = part["PARAMCD"].map(PARAMCD[cat])
        part["PARCAT1"] = CRITERIA_LABEL[cat]
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["ADT"] = out["ADT"].astype("datetime64[ns]")
    out["COHORT"] = out["USUBJID"].map(itt["COHORT"])
    out["TRT01P"] = out["USUBJID"].map(itt["TRT01P"])
    alloc = out["USUBJID"].map(itt["ALLOCDT"])
    out["ADY"] = ((out["ADT"] - alloc) / np.timedelta64(1, "D")).astype("float64")
    return out.loc[:, list(COLUMNS)]


def _best(
    itt: pd.DataFrame,
    rs: pd.DataFrame,
    timepoints: pd.DataFrame,
    settings: ResponseSettings,
    cat: str,
) -> pd.DataFrame:
    recorded = (
        rs.loc[rs["RSTESTCD"] == "BESTRESP"]
        .sort_values(["USUBJID", "RSDT"], kind="stable")
        .drop_duplicates("USUBJID", keep="last")
        .set_index("USUBJID")["RSSTRESC"]
    )
    bor = recorded.reindex(itt.index)
    source = pd.Series(np.where(bor.notna(), "BESTRESP", "NONE"), index=itt.index)
    todo = timepoints.loc[~timepoints["USUBJID"].isin(recorded.index)]
    derived = _derived(itt, todo, settings, cat)
    bor = bor.fillna(derived)
    source = source.mask(source.eq("NONE") & derived.reindex(itt.index).notna(), "OVRLRESP")
    bor = bor.fillna("NE")
    first = timepoints.drop_duplicates(["USUBJID", "RSSTRESC"], keep="first").set_index(
        ["USUBJID", "RSSTRESC"]
    )["RSDT"]
    keys = pd.MultiIndex.from_arrays([itt.index, bor.to_numpy()])
    adt = first.reindex(keys).to_numpy()
    return pd.DataFrame(
        {
            "USUBJID": itt.index.to_numpy(),
            "PARAMCD": "BOR",
            "AVALC": bor.to_numpy(),
            "ADT": adt,
            "BORSRC": source.to_numpy(),
        }
    )


def _derived(
    itt: pd.DataFrame, timepoints: pd.DataFrame, settings: ResponseSettings, cat: str
) -> pd.Series:
    """Best overall response from time points, per participant, by the response engine."""
    levels = _TO_LEVEL[cat]
    out = {}
    for usubjid, rows in timepoints.groupby("USUBJID", sort=False):
        visits = [
            Visit(d.date(), levels[c]) for d, c in zip(rows["RSDT"], rows["RSSTRESC"], strict=True)
        ]
        baseline = itt.at[usubjid, "BLTADT"]
        if pd.isna(baseline):
            baseline = itt.at[usubjid, "ALLOCDT"]
        level, _ = best_overall_response(
            baseline.date(),
            visits,
            settings,
            has_target_disease=itt.at[usubjid, "EFFFL"] == "Y",
        )
        out[usubjid] = _FROM_LEVEL[cat][level]
    return pd.Series(out, dtype=object)
