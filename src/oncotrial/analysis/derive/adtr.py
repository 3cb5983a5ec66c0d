"""ADTR: the sum of target-lesion diameters per assessment, its change from baseline, best change.

This module owns the tumour-results table behind the waterfall and spider
plots (statistics-and-standards.md §4.2, ADTR): one row per allocated
participant and assessment date with PARAMCD "SUMDIAM", AVAL (mm), BASE, CHG
and PCHG (% change from baseline), ABLFL ("Y" on the baseline row) and
ANL01FL ("Y" on the post-baseline rows that count towards the best change).

- Baseline is the latest assessment in the baseline window (protocol visit
  BL, days -28 to 0 around allocation) with target lesions; its target
  lesions are the ones summed at every later assessment.
- A lesion's reading is TRSTRESN in mm; "too_small" reads 5 mm and
  "disappeared" 0 mm (RECIST 1.1 §2.3, the values of
  :mod:`oncotrial.clinical.recist_lesions`). A sum exists only when every
  baseline target lesion has a reading that day; otherwise the assessment
  is left out rather than summed over part of the disease.
- The best change counts post-baseline sums up to the first RECIST 1.1 PD
  and up to the start of new anticancer therapy (ADSL.NACTSDT), both days
  included; it is the smallest PCHG (largest shrinkage).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from oncotrial.analysis.derive.inputs import RECIST
from oncotrial.analysis.tidy import validate
from oncotrial.clinical.recist_lesions import TOO_SMALL_MM

COLUMNS = (
    "USUBJID", "COHORT", "TRT01P", "PARAMCD", "ADT", "ADY", "AVAL", "BASE", "CHG", "PCHG",
    "ABLFL", "ANL01FL",
)  # fmt: skip
READING_CODES = {"too_small": float(TOO_SMALL_MM), "disappeared": 0.0}


def derive_adtr(
    adsl: pd.DataFrame,
    tr: pd.DataFrame,
    rs: pd.DataFrame,
    baseline_window: tuple[int, int] = (-28, 0),
) -> pd.DataFrame:
    """ADTR target-lesion sums for the ITT participants of `adsl`."""
    validate("TR", tr)
    validate("RS", rs)
    itt = adsl.loc[adsl["ITTFL"] == "Y"].set_index("USUBJID")
    tr = tr.loc[tr["USUBJID"].isin(itt.index)].copy()
    tr["DAY"] = (tr["TRDT"] - tr["USUBJID"].map(itt["ALLOCDT"])) / np.timedelta64(1, "D")
    reading = tr["TRSTRESN"].astype("float64")
    tr["READING"] = reading.fillna(tr["TRSTRESC"].map(READING_CODES))
    tr = tr.drop_duplicates(["USUBJID", "TRLNKID", "TRDT"], keep="last")

    in_window = (tr["TRROLE"] == "target") & tr["DAY"].between(*baseline_window)
    base_date = tr.loc[in_window].groupby("USUBJID", sort=False)["TRDT"].max()
    at_base = tr.loc[in_window & (tr["TRDT"] == tr["USUBJID"].map(base_date))]
    lesions = at_base[["USUBJID", "TRLNKID"]]
    n_targets = lesions.groupby("USUBJID", sort=False).size()

    rows = tr.loc[(tr["DAY"] > 0) | (tr["TRDT"] == tr["USUBJID"].map(base_date))]
    rows = rows.merge(lesions, on=["USUBJID", "TRLNKID"], how="inner")
    sums = rows.groupby(["USUBJID", "TRDT"], sort=True).agg(
        AVAL=("READING", "sum"), READ=("READING", "count")
    )
    sums = sums.loc[sums["READ"] == sums.index.get_level_values(0).map(n_targets)]
    out = sums.reset_index().rename(columns={"TRDT": "ADT"})
    out["ABLFL"] = np.where(out["ADT"] == out["USUBJID"].map(base_date), "Y", "")
    base = out.loc[out["ABLFL"] == "Y"].set_index("USUBJID")["AVAL"]
    out = out.loc[out["USUBJID"].isin(base.index)].copy()
    out["BASE"] = out["USUBJID"].map(base)
    out["CHG"] = out["AVAL"] - out["BASE"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["PCHG"] = np.where(out["BASE"] > 0, 100.0 * out["CHG"] / out["BASE"], np.nan)
    alloc = out["USUBJID"].map(itt["ALLOCDT"])
    out["ADY"] = (out["ADT"] - alloc) / np.timedelta64(1, "D")

    recist_pd = rs.loc[
        (rs["RSCAT"] == RECIST) & (rs["RSTESTCD"] == "OVRLRESP") & (rs["RSSTRESC"] == "PD")
    ]
    recist_pd = recist_pd.loc[recist_pd["RSDT"] > recist_pd["USUBJID"].map(itt["ALLOCDT"])]
    first_pd = recist_pd.groupby("USUBJID", sort=False)["RSDT"].min()
    stop = pd.concat([first_pd, itt["NACTSDT"]], axis=1).min(axis=1)
    limit = out["USUBJID"].map(stop)
    counted = (out["ABLFL"] != "Y") & (limit.isna() | (out["ADT"] <= limit))
    out["ANL01FL"] = np.where(counted & out["PCHG"].notna(), "Y", "")
    out["PARAMCD"] = "SUMDIAM"
    out["COHORT"] = out["USUBJID"].map(itt["COHORT"])
    out["TRT01P"] = out["USUBJID"].map(itt["TRT01P"])
    return out.loc[:, list(COLUMNS)].reset_index(drop=True)


def best_percent_change(adtr: pd.DataFrame) -> pd.DataFrame:
    """Per participant with a counted post-baseline sum: the best (smallest) % change.

    Columns USUBJID, COHORT, TRT01P, BESTPCHG, ADT (date of the best sum; the
    first if tied).
    """
    counted = adtr.loc[adtr["ANL01FL"] == "Y"].sort_values(["USUBJID", "PCHG", "ADT"])
    best = counted.drop_duplicates("USUBJID", keep="first")
    return (
        best.loc[:, ["USUBJID", "COHORT", "TRT01P", "PCHG", "ADT"]]
        .rename(columns={"PCHG": "BESTPCHG"})
        .reset_index(drop=True)
    )
