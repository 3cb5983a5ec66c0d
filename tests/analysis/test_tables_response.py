"""The response table: best-response counts and ORR / DCR with Clopper-Pearson intervals."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest

from oncotrial.analysis.response import exact_ci
from oncotrial.analysis.tables import (
    column_kinds,
    read_csv_table,
    read_parquet_table,
    response_table,
    write_table,
)

# randomized consolidation: CR, PR, SD, PD, NE; randomized salvage: PR, SD, SD
BEST = {"A1": "CR", "A2": "PR", "A3": "SD", "A4": "PD", "A5": "NE",
        "B1": "PR", "B2": "SD", "B3": "SD"}  # fmt: skip
ADSL = pd.DataFrame(
    {
        "USUBJID": [*BEST, "X"],
        "COHORT": ["randomized"] * 8 + [""],
        "TRT01P": ["consolidation"] * 5 + ["salvage"] * 3 + [""],
        "ITTFL": ["Y"] * 8 + ["N"],
        "EFFFL": ["Y", "Y", "Y", "Y", "N", "Y", "Y", "Y", "N"],
    }
)


def adrs(best: dict[str, str]) -> pd.DataFrame:
    rows = []
    for usubjid, bor in best.items():
        rsp = "Y" if bor in ("CR", "PR") else "N"
        dcr = "Y" if bor in ("CR", "PR", "SD") else "N"
        rows += [(usubjid, "BOR", bor), (usubjid, "RSP", rsp), (usubjid, "DCR", dcr)]
    frame = pd.DataFrame(rows, columns=["USUBJID", "PARAMCD", "AVALC"])
    return frame.assign(PARCAT1="RECIST 1.1")


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return response_table(adrs(BEST), ADSL)


def rate(table: pd.DataFrame, arm: str, measure: str) -> pd.Series:
    rows = table.loc[(table["arm"] == arm) & (table["measure"] == measure)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_orr_and_dcr_use_the_exact_interval(table: pd.DataFrame) -> None:
    # consolidation: ORR 2/5 (CR, PR), DCR 3/5 (+SD); the NE participant is in the denominator
    orr = rate(table, "consolidation", "orr")
    ci = exact_ci(2, 5)
    assert (orr["x"], orr["n"]) == (2, 5)
    assert (orr["percent"], orr["lower"], orr["upper"]) == (
        100 * ci.estimate, 100 * ci.lower, 100 * ci.upper,
    )  # fmt: skip
    assert rate(table, "consolidation", "dcr")["x"] == 3
    # salvage: ORR 1/3, DCR 3/3 -> upper limit exactly 100 %
    assert rate(table, "salvage", "dcr")["upper"] == 100.0
    assert rate(table, "total", "orr")[["x", "n"]].tolist() == [3, 8]


def test_best_response_counts_list_every_category(table: pd.DataFrame) -> None:
    rows = table.loc[(table["arm"] == "salvage") & (table["measure"] == "best_response")]
    assert dict(zip(rows["level"], rows["x"], strict=True)) == {
        "CR": 0, "PR": 1, "SD": 2, "NON_CR_NON_PD": 0, "NED": 0, "PD": 0, "NE": 0,
    }  # fmt: skip
    assert rows["display"].tolist()[2] == "2 (66.7%)"


def test_another_analysis_set_changes_the_denominator() -> None:
    evaluable = response_table(adrs(BEST), ADSL, population_flag="EFFFL")
    assert rate(evaluable, "consolidation", "orr")[["x", "n"]].tolist() == [2, 4]


def test_a_participant_without_best_response_is_refused() -> None:
    partial = {k: v for k, v in BEST.items() if k != "A5"}
    with pytest.raises(ValueError, match=r"1 participant\(s\) of ITTFL have no BOR"):
        response_table(adrs(partial), ADSL)


def test_round_trip(table: pd.DataFrame, tmp_path: Path) -> None:
    csv_path, parquet_path = write_table(table, tmp_path / "response")
    pdt.assert_frame_equal(read_csv_table(csv_path, column_kinds(table)), table)
    pdt.assert_frame_equal(read_parquet_table(parquet_path), table)
