"""ADTR: target-lesion sums, change from baseline and the best change for the waterfall."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from oncotrial.analysis.derive import best_percent_change, derive_adtr

DAY0 = pd.Timestamp("2024-01-01")


def adsl(nact: dict[str, int] | None = None) -> pd.DataFrame:
    ids = ["A", "B", "C", "D"]
    nact = nact or {}
    return pd.DataFrame(
        {
            "USUBJID": ids,
            "COHORT": "randomized",
            "TRT01P": ["consolidation", "salvage", "salvage", "consolidation"],
            "ITTFL": "Y",
            "ALLOCDT": DAY0,
            "NACTSDT": pd.to_datetime(
                [DAY0 + pd.Timedelta(days=nact[i]) if i in nact else pd.NaT for i in ids]
            ),
        }
    )


def tr(*rows: tuple[str, str, str, float, str, int]) -> pd.DataFrame:
    """(participant, lesion, role, mm or NaN, coded reading, day)."""
    return pd.DataFrame(
        {
            "USUBJID": [r[0] for r in rows],
            "TRLNKID": [r[1] for r in rows],
            "TRROLE": [r[2] for r in rows],
            "TRORGAN": "liver",
            "TRNODAL": False,
            "TRSTRESN": [float(r[3]) for r in rows],
            "TRSTRESC": [r[4] for r in rows],
            "TRDT": [DAY0 + pd.Timedelta(days=r[5]) for r in rows],
        }
    )


NAN = math.nan
LESIONS = tr(
    # A: baseline 20 + 10 = 30 on day -3
    ("A", "T1", "target", 20, "", -3), ("A", "T2", "target", 10, "", -3),
    # day 42: 10 + too small (5 mm) = 15 -> -50 %
    ("A", "T1", "target", 10, "", 42), ("A", "T2", "target", NAN, "too_small", 42),
    # day 84: T1 not read -> no sum that day
    ("A", "T1", "target", NAN, "", 84), ("A", "T2", "target", 4, "", 84),
    # day 126: both disappeared -> 0, -100 %, but after the PD of day 100: not counted
    ("A", "T1", "target", NAN, "disappeared", 126), ("A", "T2", "target", NAN, "disappeared", 126),
    # B: baseline 40 days before allocation, outside the window: no ADTR rows
    ("B", "T1", "target", 30, "", -40), ("B", "T1", "target", 20, "", 42),
    # C: two baseline scans; the later one (day -2, T1 only) is the baseline: 40
    ("C", "T1", "target", 50, "", -20), ("C", "T2", "target", 10, "", -20),
    ("C", "T1", "target", 40, "", -2),
    # day 42: T1 44 (+10 %); a new lesion is not in the sum
    ("C", "T1", "target", 44, "", 42), ("C", "N1", "new_target", 30, "", 42),
    # D: baseline 50; day 42: 40 (-20 %); day 84: 20 (-60 %) after new therapy on day 50
    ("D", "T1", "target", 50, "", 0), ("D", "T1", "target", 40, "", 42),
    ("D", "T1", "target", 20, "", 84),
)  # fmt: skip
RESPONSES = pd.DataFrame(
    {
        "USUBJID": ["A"],
        "RSCAT": ["RECIST1.1"],
        "RSTESTCD": ["OVRLRESP"],
        "RSSTRESC": ["PD"],
        "RSDT": [DAY0 + pd.Timedelta(days=100)],
    }
)


@pytest.fixture(scope="module")
def adtr() -> pd.DataFrame:
    return derive_adtr(adsl({"D": 50}), LESIONS, RESPONSES)


def rows_of(adtr: pd.DataFrame, usubjid: str) -> list[tuple[float, float, float, str, str]]:
    mine = adtr.loc[adtr["USUBJID"] == usubjid]
    return list(
        zip(mine["ADY"], mine["AVAL"], mine["PCHG"], mine["ABLFL"], mine["ANL01FL"], strict=True)
    )


def test_sums_use_coded_readings_and_skip_incomplete_assessments(adtr: pd.DataFrame) -> None:
    assert rows_of(adtr, "A") == [
        (-3.0, 30.0, 0.0, "Y", ""),
        (42.0, 15.0, -50.0, "", "Y"),
        (126.0, 0.0, -100.0, "", ""),  # after the first PD
    ]
    assert adtr.loc[adtr["USUBJID"] == "A", "BASE"].eq(30.0).all()


def test_baseline_is_the_latest_scan_in_the_window(adtr: pd.DataFrame) -> None:
    assert "B" not in set(adtr["USUBJID"])
    assert rows_of(adtr, "C") == [(-2.0, 40.0, 0.0, "Y", ""), (42.0, 44.0, 10.0, "", "Y")]


def test_new_anticancer_therapy_ends_the_counted_sums(adtr: pd.DataFrame) -> None:
    assert [r[4] for r in rows_of(adtr, "D")] == ["", "Y", ""]


def test_best_percent_change(adtr: pd.DataFrame) -> None:
    best = best_percent_change(adtr).set_index("USUBJID")
    assert best["BESTPCHG"].to_dict() == {"A": -50.0, "C": 10.0, "D": -20.0}
    assert best.loc["A", "ADT"] == DAY0 + pd.Timedelta(days=42)
    # without the therapy cut, D's best is the day-84 sum
    uncut = best_percent_change(derive_adtr(adsl(), LESIONS, RESPONSES))
    assert uncut.set_index("USUBJID").loc["D", "BESTPCHG"] == -60.0
