"""CONSORT counts: screened, excluded with reasons from IE and DS, allocated, followed, analysed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest

from oncotrial.analysis.tables import (
    column_kinds,
    consort_counts,
    read_csv_table,
    read_parquet_table,
    write_table,
)

D = pd.Timestamp
ADSL = pd.DataFrame(
    {
        "USUBJID": ["A1", "A2", "A3", "B1", "F1", "F2", "F3", "F4"],
        "COHORT": ["randomized", "randomized", "randomized", "preference", "", "", "", ""],
        "TRT01P": ["consolidation", "consolidation", "salvage", "salvage", "", "", "", ""],
        "ITTFL": ["Y", "Y", "Y", "Y", "N", "N", "N", "N"],
        "SAFFL": ["Y", "N", "Y", "Y", "N", "N", "N", "N"],
        "LTFUDT": [pd.NaT, D("2024-05-01"), pd.NaT, pd.NaT] + [pd.NaT] * 4,
        "DCSREAS": ["", "LOST_TO_FOLLOW_UP", "WITHDRAWN", "DEATH", "", "", "", ""],
        "DTHDT": [pd.NaT, pd.NaT, pd.NaT, D("2024-09-01")] + [pd.NaT] * 4,
    }
)
IE = pd.DataFrame(
    {
        "USUBJID": ["F1", "F1", "F2", "F3", "A1"],
        "IETESTCD": ["I4", "E2", "I3", "I8", "I4"],
        "IECAT": ["inclusion", "exclusion", "inclusion", "inclusion", "inclusion"],
        # F1 fails two criteria; F2's I3 is undecided; F3's I8 is met (no IE reason)
        "IEORRES": ["not_met", "met", "insufficient", "met", "met"],
    }
)
DS = pd.DataFrame(
    {
        "USUBJID": ["F1", "F3", "F4"],
        "DSDECOD": ["SCREEN_FAILURE"] * 3,
        "DSTERM": ["I4 and E2", "declined participation", ""],
        "DSSTDT": [D("2024-01-05")] * 3,
    }
)


@pytest.fixture(scope="module")
def counts() -> pd.DataFrame:
    return consort_counts(ADSL, IE, DS)


def n(counts: pd.DataFrame, stage: str, cohort: str = "", arm: str = "", reason: str = "") -> int:
    rows = counts.loc[(counts["stage"] == stage) & (counts["cohort"] == cohort)
                      & (counts["arm"] == arm) & (counts["reason"] == reason)]  # fmt: skip
    assert len(rows) == 1, (stage, cohort, arm, reason)
    return int(rows["n"].iloc[0])


def test_screening_and_exclusion(counts: pd.DataFrame) -> None:
    assert n(counts, "assessed") == 8
    assert n(counts, "excluded") == 4
    reasons = counts.loc[counts["stage"] == "excluded_reason"]
    # criteria first in protocol order (inclusions, then exclusions), then DS reasons;
    # F1 counts under both of its criteria
    assert list(zip(reasons["reason"], reasons["n"], strict=True)) == [
        ("I3: insufficient evidence", 1),
        ("I4: inclusion criterion not met", 1),
        ("E2: exclusion criterion met", 1),
        ("declined participation", 1),
        ("no reason recorded", 1),
    ]


def test_allocation_treatment_follow_up_and_analysis(counts: pd.DataFrame) -> None:
    assert n(counts, "allocated", "randomized") == 3
    assert n(counts, "allocated", "randomized", "consolidation") == 2
    assert n(counts, "treated", "randomized", "consolidation") == 1
    assert n(counts, "not_treated", "randomized", "consolidation") == 1
    assert n(counts, "lost_to_follow_up", "randomized", "consolidation") == 1
    assert n(counts, "withdrawn", "randomized", "salvage") == 1
    assert n(counts, "died", "preference", "salvage") == 1
    assert n(counts, "analysed", "randomized", "consolidation") == 2  # ITT: all allocated
    assert n(counts, "analysed_safety", "randomized", "consolidation") == 1
    assert "consolidation" not in set(counts.loc[counts["cohort"] == "preference", "arm"])


def test_round_trip(counts: pd.DataFrame, tmp_path: Path) -> None:
    csv_path, parquet_path = write_table(counts, tmp_path / "consort")
    pdt.assert_frame_equal(read_csv_table(csv_path, column_kinds(counts)), counts)
    pdt.assert_frame_equal(read_parquet_table(parquet_path), counts)
