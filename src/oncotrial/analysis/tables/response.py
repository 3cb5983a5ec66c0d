"""The response table: best overall response, ORR and DCR with Clopper-Pearson intervals.

This module owns the tumour-response summary by cohort and arm (issue 10
items 3 and 4), read from ADRS (PARAMCD BOR / RSP / DCR and their iRECIST
twins) over an ADSL analysis set (the intention-to-treat set by default, so
every allocated participant is in the denominator, docs/statistics.md).
Intervals are :func:`oncotrial.analysis.response.exact_ci`, R's
``binom.test``.

Rows: per criteria, cohort and arm, one per best-response category (n and
percent) and one each for ORR and DCR (x, n, estimate and exact interval).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from oncotrial.analysis.response import exact_ci
from oncotrial.analysis.tables.groups import cohort_arm_groups, population

BOR_ORDER = {
    "RECIST 1.1": ("CR", "PR", "SD", "NON_CR_NON_PD", "NED", "PD", "NE"),
    "iRECIST": ("iCR", "iPR", "iSD", "NON_iCR_NON_iUPD", "NED", "iUPD", "iCPD", "NE"),
}
PARAMS = {"RECIST 1.1": ("BOR", "RSP", "DCR"), "iRECIST": ("IBOR", "IRSP", "IDCR")}
COLUMNS = (
    "criteria",
    "cohort",
    "arm",
    "measure",
    "level",
    "x",
    "n",
    "percent",
    "lower",
    "upper",
    "conf_level",
    "display",
)


def response_table(
    adrs: pd.DataFrame,
    adsl: pd.DataFrame,
    population_flag: str = "ITTFL",
    arm_col: str = "TRT01P",
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Best overall response, ORR and DCR by criteria, cohort and arm (and cohort total)."""
    pop = population(adsl, population_flag)[["USUBJID", "COHORT", arm_col]]
    rows: list[dict[str, object]] = []
    for criteria, (bor_cd, rsp_cd, dcr_cd) in PARAMS.items():
        mine = adrs.loc[adrs["PARCAT1"] == criteria]
        if mine.empty:
            continue
        wide = mine.pivot_table(
            index="USUBJID", columns="PARAMCD", values="AVALC", aggfunc="first"
        ).reindex(columns=[bor_cd, rsp_cd, dcr_cd])
        data = pop.join(wide, on="USUBJID")
        missing = int(data[bor_cd].isna().sum())
        if missing:
            raise ValueError(
                f"adrs: {missing} participant(s) of {population_flag} have no {bor_cd} record"
            )
        for cohort, arm, group in cohort_arm_groups(data, arm_col):
            n = len(group)
            head = {"criteria": criteria, "cohort": cohort, "arm": arm, "n": n}
            counts = group[bor_cd].value_counts()
            categories = list(BOR_ORDER[criteria])
            categories += sorted(set(counts.index) - set(categories))
            for level in categories:
                x = int(counts.get(level, 0))
                pct = 100.0 * x / n if n else np.nan
                rows.append(
                    {
                        **head,
                        "measure": "best_response",
                        "level": level,
                        "x": x,
                        "percent": pct,
                        "display": f"{x} ({pct:.1f}%)",
                    }
                )
            for measure, code in (("orr", rsp_cd), ("dcr", dcr_cd)):
                x = int((group[code] == "Y").sum())
                rows.append({**head, "measure": measure, "level": "", **_rate(x, n, conf_level)})
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    for column in ("percent", "lower", "upper", "conf_level"):
        out[column] = out[column].astype("float64")
    return out.astype({"x": "int64", "n": "int64"})


def _rate(x: int, n: int, conf_level: float) -> dict[str, object]:
    if n == 0:
        return {"x": 0, "percent": np.nan, "conf_level": conf_level, "display": "-"}
    ci = exact_ci(x, n, conf_level)
    return {
        "x": x,
        "percent": 100.0 * ci.estimate,
        "lower": 100.0 * ci.lower,
        "upper": 100.0 * ci.upper,
        "conf_level": conf_level,
        "display": f"{x}/{n} ({100 * ci.estimate:.1f}%; {100 * ci.lower:.1f}-{100 * ci.upper:.1f})",
    }
