"""Table 1: baseline characteristics by cohort and arm, never pooling the cohorts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest

from oncotrial.analysis.tables import (
    column_kinds,
    read_csv_table,
    read_parquet_table,
    table1,
    table1_wide,
    write_table,
)

ADSL = pd.DataFrame(
    {
        "USUBJID": [f"P{i}" for i in range(1, 8)],
        "COHORT": ["randomized"] * 4 + ["preference"] * 2 + [""],
        "TRT01P": ["consolidation", "consolidation", "consolidation", "salvage",
                   "salvage", "salvage", ""],
        "ITTFL": ["Y"] * 6 + ["N"],
        "AGE": [50, 60, 70, 66, 40, 80, 90],
        "AGEGR1": ["<65", "<65", ">=65", ">=65", "<65", ">=65", ">=65"],
        "SEX": ["M", "F", "M", "M", "F", "F", "M"],
        "ECOG": [0, 1, 1, 0, 0, 1, 1],
        "INDRESP": ["PR", "PR", "CR", "PR", "SD", "PR", "PR"],
        "METORG": ["1", "2+", "1", "1", "1", "2+", "1"],
        "SITEID": ["S1", "S1", "S2", "S2", "S1", "S2", "S1"],
    }
)  # fmt: skip


@pytest.fixture(scope="module")
def t1() -> pd.DataFrame:
    return table1(ADSL)


def cell(t: pd.DataFrame, cohort: str, arm: str, variable: str, level: str = "") -> pd.Series:
    rows = t.loc[(t["cohort"] == cohort) & (t["arm"] == arm) & (t["variable"] == variable)
                 & (t["level"] == level)]  # fmt: skip
    assert len(rows) == 1
    return rows.iloc[0]


def test_groups_are_cohort_by_arm_with_cohort_totals(t1: pd.DataFrame) -> None:
    groups = list(dict.fromkeys(zip(t1["cohort"], t1["arm"], t1["N"], strict=True)))
    assert groups == [
        ("randomized", "consolidation", 3), ("randomized", "salvage", 1),
        ("randomized", "total", 4), ("preference", "salvage", 2), ("preference", "total", 2),
    ]  # fmt: skip
    # the screen failure (P7, age 90) is in no group
    assert t1.loc[t1["variable"] == "AGE", "max"].max() == 80.0


def test_continuous_summary(t1: pd.DataFrame) -> None:
    # ages 50, 60, 70: median 60, quartiles by linear interpolation 55 and 65
    age = cell(t1, "randomized", "consolidation", "AGE")
    assert (age["n"], age["median"], age["q1"], age["q3"], age["min"], age["max"]) == (
        3, 60.0, 55.0, 65.0, 50.0, 70.0,
    )  # fmt: skip
    assert age["display"] == "60.0 (55.0, 65.0); 50-70"


def test_categories_with_percentages_of_the_group(t1: pd.DataFrame) -> None:
    male = cell(t1, "randomized", "consolidation", "SEX", "M")
    assert (male["n"], round(male["percent"], 4), male["display"]) == (2, 66.6667, "2 (66.7%)")
    # a level absent from a group still has its row, with 0
    cr = cell(t1, "preference", "salvage", "INDRESP", "CR")
    assert (cr["n"], cr["percent"]) == (0, 0.0)
    assert cell(t1, "randomized", "total", "ECOG", "1")["n"] == 2


def test_wide_layout(t1: pd.DataFrame) -> None:
    wide = table1_wide(t1)
    assert list(wide.columns[3:]) == [
        "randomized / consolidation (N=3)", "randomized / salvage (N=1)",
        "randomized / total (N=4)", "preference / salvage (N=2)", "preference / total (N=2)",
    ]  # fmt: skip
    sex_m = wide.loc[(wide["variable"] == "SEX") & (wide["level"] == "M")].iloc[0]
    assert sex_m["randomized / total (N=4)"] == "3 (75.0%)"


def test_round_trip(t1: pd.DataFrame, tmp_path: Path) -> None:
    csv_path, parquet_path = write_table(t1, tmp_path / "table1")
    pdt.assert_frame_equal(read_csv_table(csv_path, column_kinds(t1)), t1)
    pdt.assert_frame_equal(read_parquet_table(parquet_path), t1)
