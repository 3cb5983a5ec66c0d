"""Adverse-event incidence by worst grade, term, cohort, arm and attribution.

This module owns the safety table (issue 10 item 3): over the safety set
(ADSL.SAFFL) grouped by cohort and the arm as treated (TRT01A), the number
of participants whose worst CTCAE grade of a term, among their
treatment-emergent AEs (ADAE.TRTEMFL), is each grade 1-5, and the numbers
with any grade and with grade 3 or more. A participant counts once per term,
at the worst grade; the first row of each group ("ANY" / "ANY ADVERSE EVENT")
counts participants over all terms.

`attribution` narrows the AEs counted: "all", or those related (possible,
probable or definite, ADAE's REL*FL flags) to "radiotherapy",
"chemotherapy", "pd1" (the PD-1 inhibitor) or "any_treatment".
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from oncotrial.analysis.tables.groups import cohort_arm_groups, population

ATTRIBUTIONS = {
    "all": None,
    "radiotherapy": "RELRTFL",
    "chemotherapy": "RELCTFL",
    "pd1": "RELIOFL",
    "any_treatment": "RELFL",
}
ANY_SOC, ANY_TERM = "ANY", "ANY ADVERSE EVENT"
GRADES = ("grade_1", "grade_2", "grade_3", "grade_4", "grade_5")
COLUMNS = (
    "cohort", "arm", "N", "attribution", "soc", "term", *GRADES, "any_grade", "grade_3_plus",
    "percent_any", "percent_3_plus",
)  # fmt: skip


def ae_incidence(
    adae: pd.DataFrame,
    adsl: pd.DataFrame,
    attributions: Sequence[str] = tuple(ATTRIBUTIONS),
    arm_col: str = "TRT01A",
) -> pd.DataFrame:
    """Participants by worst grade per term, for each cohort, arm and attribution."""
    unknown = [a for a in attributions if a not in ATTRIBUTIONS]
    if unknown:
        raise ValueError(f"attributions: unknown {unknown}; expected {list(ATTRIBUTIONS)}")
    safety = population(adsl, "SAFFL")[["USUBJID", "COHORT", arm_col]]
    teae = adae.loc[(adae["TRTEMFL"] == "Y") & adae["USUBJID"].isin(safety["USUBJID"])]
    teae = teae.drop(columns=["COHORT", arm_col], errors="ignore").merge(
        safety, on="USUBJID", how="inner"
    )
    # terms ordered by how many participants have them overall, then by name
    frequency = teae.groupby("AEDECOD")["USUBJID"].nunique()
    term_order = sorted(frequency.index, key=lambda t: (-frequency[t], t))
    soc_of = teae.groupby("AEDECOD")["AEBODSYS"].first()
    parts = []
    for attribution in attributions:
        flag = ATTRIBUTIONS[attribution]
        counted = teae if flag is None else teae.loc[teae[flag] == "Y"]
        for cohort, arm, group in cohort_arm_groups(safety, arm_col):
            ae = counted.loc[counted["USUBJID"].isin(group["USUBJID"])]
            parts.append(_group_rows(ae, cohort, arm, len(group), attribution, term_order, soc_of))
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(COLUMNS))
    return out.loc[:, list(COLUMNS)]


def _group_rows(
    ae: pd.DataFrame,
    cohort: str,
    arm: str,
    n_total: int,
    attribution: str,
    term_order: list[str],
    soc_of: pd.Series,
) -> pd.DataFrame:
    worst_term = ae.groupby(["AEDECOD", "USUBJID"])["ATOXGR"].max()
    by_term = worst_term.groupby(level=0).value_counts().unstack(fill_value=0)
    by_term = by_term.reindex(index=term_order, columns=range(1, 6), fill_value=0)
    worst_any = ae.groupby("USUBJID")["ATOXGR"].max().value_counts()
    any_row = worst_any.reindex(range(1, 6), fill_value=0).to_numpy()[None, :]
    counts = np.vstack([any_row, by_term.to_numpy()]).astype("int64")
    frame = pd.DataFrame(counts, columns=list(GRADES))
    frame.insert(0, "term", [ANY_TERM, *term_order])
    frame.insert(0, "soc", [ANY_SOC, *(soc_of.get(t, "") for t in term_order)])
    frame.insert(0, "attribution", attribution)
    frame.insert(0, "N", n_total)
    frame.insert(0, "arm", arm)
    frame.insert(0, "cohort", cohort)
    frame["any_grade"] = counts.sum(axis=1)
    frame["grade_3_plus"] = counts[:, 2:].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        frame["percent_any"] = 100.0 * frame["any_grade"] / n_total if n_total else np.nan
        frame["percent_3_plus"] = 100.0 * frame["grade_3_plus"] / n_total if n_total else np.nan
    return frame.astype({"N": "int64", "percent_any": "float64", "percent_3_plus": "float64"})
