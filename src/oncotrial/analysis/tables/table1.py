"""Table 1: baseline characteristics of the intention-to-treat set by cohort and arm.

This module owns the descriptive baseline table (issue 10 item 4). It reads
ADSL only. Rows are long: one per cohort, arm, variable and level, with the
numbers (n, N, percent; median, quartiles, range for a continuous variable)
and a `display` text; :func:`table1_wide` lays the display text out as the
printed table (variables down, cohort/arm across).

Quartiles are numpy's default (linear interpolation), R's ``quantile``
type 7. Percentages are of the group's N, one decimal in `display`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from oncotrial.analysis.tables.groups import cohort_arm_groups, population
from oncotrial.text import gettext_noop

# (ADSL column, label, kind)
VARIABLES: tuple[tuple[str, str, str], ...] = (
    ("AGE", gettext_noop("Age, years"), "continuous"),
    ("AGEGR1", gettext_noop("Age group"), "categorical"),
    ("SEX", gettext_noop("Sex"), "categorical"),
    ("ECOG", gettext_noop("ECOG performance status"), "categorical"),
    ("INDRESP", gettext_noop("Response to induction"), "categorical"),
    ("METORG", gettext_noop("Metastatic organ sites"), "categorical"),
    ("SITEID", gettext_noop("Site"), "categorical"),
)
COLUMNS = (
    "cohort",
    "arm",
    "N",
    "variable",
    "label",
    "level",
    "n",
    "percent",
    "median",
    "q1",
    "q3",
    "min",
    "max",
    "display",
)


def table1(
    adsl: pd.DataFrame,
    variables: Sequence[tuple[str, str, str]] = VARIABLES,
    population_flag: str = "ITTFL",
    arm_col: str = "TRT01P",
) -> pd.DataFrame:
    """Baseline characteristics by cohort and arm (and cohort total), long format."""
    pop = population(adsl, population_flag)
    levels = {
        column: sorted(pop[column].astype(str).unique())
        for column, _, kind in variables
        if kind == "categorical"
    }
    rows: list[dict[str, object]] = []
    for cohort, arm, group in cohort_arm_groups(pop, arm_col):
        n_total = len(group)
        for column, label, kind in variables:
            head = {"cohort": cohort, "arm": arm, "N": n_total, "variable": column, "label": label}
            if kind == "continuous":
                rows.append({**head, **_continuous(group[column])})
            else:
                counts = group[column].astype(str).value_counts()
                for level in levels[column]:
                    n = int(counts.get(level, 0))
                    pct = 100.0 * n / n_total if n_total else np.nan
                    rows.append(
                        {
                            **head,
                            "level": level,
                            "n": n,
                            "percent": pct,
                            "display": f"{n} ({pct:.1f}%)" if n_total else "0",
                        }
                    )
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    for column in ("percent", "median", "q1", "q3", "min", "max"):
        out[column] = out[column].astype("float64")
    out["level"] = out["level"].fillna("")
    return out.astype({"N": "int64", "n": "int64"})


def _continuous(values: pd.Series) -> dict[str, object]:
    x = values.dropna().to_numpy(dtype=float)
    if x.size == 0:
        return {"level": "", "n": 0, "display": "-"}
    q1, median, q3 = np.quantile(x, [0.25, 0.5, 0.75])
    return {
        "level": "",
        "n": int(x.size),
        "median": float(median),
        "q1": float(q1),
        "q3": float(q3),
        "min": float(x.min()),
        "max": float(x.max()),
        "display": f"{median:.1f} ({q1:.1f}, {q3:.1f}); {x.min():g}-{x.max():g}",
    }


def table1_wide(table: pd.DataFrame) -> pd.DataFrame:
    """The printed layout: one row per variable and level, one column per cohort and arm."""
    table = table.assign(
        group=table["cohort"] + " / " + table["arm"] + " (N=" + table["N"].astype(str) + ")"
    )
    order = list(dict.fromkeys(table["group"]))
    wide = table.pivot_table(
        index=["variable", "label", "level"],
        columns="group",
        values="display",
        aggfunc="first",
        sort=False,
    )
    return wide.loc[:, order].reset_index()
