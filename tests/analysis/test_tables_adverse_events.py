"""AE incidence: each participant once per term at the worst grade, by arm and attribution."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest

from oncotrial.analysis.tables import (
    ae_incidence,
    column_kinds,
    read_csv_table,
    read_parquet_table,
    write_table,
)

ADSL = pd.DataFrame(
    {
        "USUBJID": ["P1", "P2", "P3", "P4"],
        "COHORT": ["randomized"] * 4,
        "TRT01A": ["consolidation", "consolidation", "salvage", ""],
        "SAFFL": ["Y", "Y", "Y", "N"],
    }
)


def adae(*rows: tuple[str, str, int, str, str]) -> pd.DataFrame:
    """(participant, term, grade, treatment-emergent, related to radiotherapy)."""
    return pd.DataFrame(
        {
            "USUBJID": [r[0] for r in rows],
            "AEDECOD": [r[1] for r in rows],
            "AEBODSYS": ["Gastrointestinal disorders" if r[1] != "Pneumonitis"
                         else "Respiratory disorders" for r in rows],
            "ATOXGR": [r[2] for r in rows],
            "TRTEMFL": [r[3] for r in rows],
            "RELRTFL": [r[4] for r in rows],
            "RELCTFL": "N",
            "RELIOFL": "N",
            "RELFL": [r[4] for r in rows],
        }
    )  # fmt: skip


EVENTS = adae(
    ("P1", "Nausea", 1, "Y", "N"),
    ("P1", "Nausea", 3, "Y", "Y"),  # P1's worst Nausea: 3
    ("P1", "Pneumonitis", 2, "Y", "Y"),
    ("P2", "Nausea", 2, "Y", "N"),
    ("P2", "Nausea", 4, "N", "Y"),  # not treatment-emergent: ignored
    ("P3", "Pneumonitis", 5, "Y", "Y"),
    ("P4", "Nausea", 3, "Y", "Y"),  # not in the safety set
)


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return ae_incidence(EVENTS, ADSL)


def row(t: pd.DataFrame, arm: str, term: str, attribution: str = "all") -> pd.Series:
    rows = t.loc[(t["arm"] == arm) & (t["term"] == term) & (t["attribution"] == attribution)]
    assert len(rows) == 1
    return rows.iloc[0]


GRADE_COLUMNS = ["grade_1", "grade_2", "grade_3", "grade_4", "grade_5"]


def test_worst_grade_per_participant_and_term(table: pd.DataFrame) -> None:
    # consolidation Nausea: P1 worst 3, P2 worst 2 (its grade 4 is not emergent)
    nausea = row(table, "consolidation", "Nausea")
    assert nausea[GRADE_COLUMNS].tolist() == [0, 1, 1, 0, 0]
    assert (nausea["N"], nausea["any_grade"], nausea["grade_3_plus"]) == (2, 2, 1)
    assert nausea["percent_any"] == 100.0 and nausea["percent_3_plus"] == 50.0


def test_any_adverse_event_row_uses_the_worst_over_terms(table: pd.DataFrame) -> None:
    # P1 worst overall 3, P2 worst 2
    assert row(table, "consolidation", "ANY ADVERSE EVENT")[GRADE_COLUMNS].tolist() == [
        0, 1, 1, 0, 0,
    ]  # fmt: skip
    assert row(table, "salvage", "Pneumonitis")["grade_5"] == 1
    assert row(table, "total", "ANY ADVERSE EVENT")["any_grade"] == 3


def test_attribution_counts_only_related_events(table: pd.DataFrame) -> None:
    # related to radiotherapy: P1 Nausea grade 3 only (its grade 1 is unrelated); P2 none
    nausea = row(table, "consolidation", "Nausea", "radiotherapy")
    assert nausea[GRADE_COLUMNS].tolist() == [0, 0, 1, 0, 0]
    assert row(table, "consolidation", "Nausea", "chemotherapy")["any_grade"] == 0


def test_terms_ordered_by_frequency_and_unknown_attribution_refused(table: pd.DataFrame) -> None:
    terms = table.loc[(table["arm"] == "total") & (table["attribution"] == "all"), "term"]
    assert terms.tolist() == ["ANY ADVERSE EVENT", "Nausea", "Pneumonitis"]  # 2 vs 2: by name
    with pytest.raises(ValueError, match="attributions"):
        ae_incidence(EVENTS, ADSL, attributions=("surgery",))


def test_round_trip(table: pd.DataFrame, tmp_path: Path) -> None:
    csv_path, parquet_path = write_table(table, tmp_path / "ae")
    pdt.assert_frame_equal(read_csv_table(csv_path, column_kinds(table)), table)
    pdt.assert_frame_equal(read_parquet_table(parquet_path), table)
