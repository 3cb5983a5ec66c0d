"""ADAE: the treatment-emergent window, attribution flags and worst-grade flags."""

from __future__ import annotations

import pandas as pd
import pytest

from oncotrial.analysis.derive import derive_adae
from oncotrial.analysis.tidy import TidyTableError

D = pd.Timestamp
ADSL = pd.DataFrame(
    {
        "USUBJID": ["P1", "P2"],
        "COHORT": ["randomized", "randomized"],
        "TRT01P": ["consolidation", "salvage"],
        "TRT01A": ["consolidation", ""],
        "SAFFL": ["Y", "N"],
        "TRTSDT": [D("2024-01-10"), pd.NaT],
        "TRTEDT": [D("2024-03-01"), pd.NaT],  # + 90 days = 2024-05-30
    }
)


def ae(*rows: tuple[str, str, int, object, str, str]) -> pd.DataFrame:
    """(participant, term, grade, onset, attribution to RT, to the PD-1 inhibitor)."""
    return pd.DataFrame(
        {
            "USUBJID": [r[0] for r in rows],
            "AEDECOD": [r[1] for r in rows],
            "AEBODSYS": "Gastrointestinal disorders",
            "AETOXGR": [r[2] for r in rows],
            "AESER": False,
            "AESTDT": pd.to_datetime([r[3] for r in rows]),
            "AEENDT": pd.NaT,
            "AERELRT": [r[4] for r in rows],
            "AERELCT": "unrelated",
            "AERELIO": [r[5] for r in rows],
            "AEIMMUNE": False,
        }
    ).astype({"AEENDT": "datetime64[ns]"})


EVENTS = ae(
    ("P1", "Nausea", 1, "2024-01-09", "unrelated", "unrelated"),  # the day before the first dose
    ("P1", "Nausea", 2, "2024-01-10", "possible", "unrelated"),  # first dose day: study day 1
    ("P1", "Nausea", 3, "2024-02-01", "unlikely", "probable"),
    ("P1", "Nausea", 3, "2024-03-01", "definite", "unrelated"),  # ties grade 3: later
    ("P1", "Fatigue", 2, "2024-05-30", "", ""),  # last dose + 90 days: still emergent
    ("P1", "Nausea", 4, "2024-05-31", "", ""),  # + 91 days: not emergent
    ("P1", "Fatigue", 1, None, "", ""),  # no onset date: counted (conservative)
    ("P2", "Nausea", 2, "2024-02-01", "", ""),  # never treated
)


@pytest.fixture(scope="module")
def adae() -> pd.DataFrame:
    return derive_adae(ADSL, EVENTS, collection_days=90)


def test_treatment_emergent_window_boundaries(adae: pd.DataFrame) -> None:
    assert adae["TRTEMFL"].tolist() == ["N", "Y", "Y", "Y", "Y", "N", "Y", "N"]


def test_the_window_is_the_protocol_setting() -> None:
    shorter = derive_adae(ADSL, EVENTS, collection_days=30)
    # 2024-03-01 + 30 = 2024-03-31: the events of May are outside
    assert shorter["TRTEMFL"].tolist() == ["N", "Y", "Y", "Y", "N", "N", "Y", "N"]


def test_study_day_has_no_day_zero(adae: pd.DataFrame) -> None:
    assert adae["ASTDY"].iloc[:3].tolist() == [-1.0, 1.0, 23.0]


def test_attribution_flags(adae: pd.DataFrame) -> None:
    assert adae["RELRTFL"].tolist()[:4] == ["N", "Y", "N", "Y"]
    assert adae["RELIOFL"].tolist()[:4] == ["N", "N", "Y", "N"]
    assert adae["RELFL"].tolist()[:4] == ["N", "Y", "Y", "Y"]


def test_worst_grade_per_participant_and_term(adae: pd.DataFrame) -> None:
    # Nausea: emergent grades 2, 3, 3 -> the first grade 3 (row 2); the grade 4 is
    # not emergent. Fatigue: emergent grades 2 and 1 -> row 4.
    assert adae["WGRTRMFL"].tolist() == ["", "", "Y", "", "Y", "", "", ""]
    assert adae["WGRFL"].tolist() == ["", "", "Y", "", "", "", "", ""]


def test_adsl_variables_are_carried(adae: pd.DataFrame) -> None:
    assert adae["TRT01A"].tolist()[-1] == ""
    assert adae["AESEQ"].tolist() == [1, 2, 3, 4, 5, 6, 7, 1]


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="collection_days"):
        derive_adae(ADSL, EVENTS, collection_days=-1)
    with pytest.raises(TidyTableError, match="P9"):
        derive_adae(ADSL, ae(("P9", "Nausea", 1, "2024-01-01", "", "")))
