"""ADRS: time-point responses, best overall response (recorded or derived) and ORR/DCR flags."""

from __future__ import annotations

import pandas as pd
import pytest

from oncotrial.analysis.derive import derive_adrs
from oncotrial.clinical.recist_settings import ResponseSettings

DAY0 = pd.Timestamp("2024-01-01")


def adsl() -> pd.DataFrame:
    """Five allocated participants (P4 with non-target disease only) and one screen failure."""
    ids = ["P1", "P2", "P3", "P4", "P5", "SF"]
    return pd.DataFrame(
        {
            "USUBJID": ids,
            "COHORT": ["randomized"] * 5 + [""],
            "TRT01P": ["consolidation", "salvage", "salvage", "consolidation", "salvage", ""],
            "ITTFL": ["Y"] * 5 + ["N"],
            "EFFFL": ["Y", "Y", "Y", "N", "Y", "N"],
            "ALLOCDT": [DAY0] * 5 + [pd.NaT],
            "BLTADT": pd.NaT,  # no baseline scan recorded: the allocation date stands in
        }
    ).astype({"BLTADT": "datetime64[ns]"})


def rs(*rows: tuple[str, str, str, str, int | None]) -> pd.DataFrame:
    """(participant, criteria, test, code, day since allocation or None)."""
    return pd.DataFrame(
        {
            "USUBJID": [r[0] for r in rows],
            "RSCAT": [r[1] for r in rows],
            "RSTESTCD": [r[2] for r in rows],
            "RSSTRESC": [r[3] for r in rows],
            "RSDT": pd.to_datetime(
                [pd.NaT if r[4] is None else DAY0 + pd.Timedelta(days=r[4]) for r in rows]
            ),
        }
    )


R, IR, TP, BEST = "RECIST1.1", "iRECIST", "OVRLRESP", "BESTRESP"
ROWS = rs(
    ("P1", R, TP, "SD", 0),  # baseline day: not a post-baseline time point
    ("P1", R, TP, "PR", 42),
    ("P1", R, TP, "SD", 84),
    ("P1", R, BEST, "PR", 84),  # recorded best response
    ("P1", IR, TP, "iPR", 42),  # iRECIST: no recorded best response
    ("P2", R, TP, "SD", 30),  # SD before 42 days does not count for best response
    ("P2", R, TP, "PD", 60),
    ("P4", R, TP, "NON_CR_NON_PD", 84),  # non-target disease only
    ("P5", R, TP, "SD", 84),
    ("P5", R, BEST, "NE", None),  # undated; the recorded value wins over the time points
)


@pytest.fixture(scope="module")
def adrs() -> pd.DataFrame:
    return derive_adrs(adsl(), ROWS)


def value(adrs: pd.DataFrame, usubjid: str, paramcd: str) -> str:
    row = adrs.loc[(adrs["USUBJID"] == usubjid) & (adrs["PARAMCD"] == paramcd)]
    assert len(row) == 1
    return str(row["AVALC"].iloc[0])


def test_time_points_after_allocation_with_study_day(adrs: pd.DataFrame) -> None:
    ovr = adrs.loc[(adrs["PARAMCD"] == "OVR") & (adrs["USUBJID"] == "P1")]
    assert ovr["AVALC"].tolist() == ["PR", "SD"]
    assert ovr["ADY"].tolist() == [42.0, 84.0]
    assert (ovr["PARCAT1"] == "RECIST 1.1").all()


def test_best_response_recorded_where_present_else_derived(adrs: pd.DataFrame) -> None:
    bor = adrs.loc[adrs["PARAMCD"] == "BOR"].set_index("USUBJID")
    assert bor["AVALC"].to_dict() == {
        "P1": "PR",  # recorded
        "P2": "PD",  # derived: SD on day 30 < sd_min_days 42, then PD
        "P3": "NE",  # no assessment: NE, so P3 stays in the denominator
        "P4": "NON_CR_NON_PD",  # derived, no target disease (EFFFL N)
        "P5": "NE",  # recorded
    }
    assert bor["BORSRC"].to_dict() == {
        "P1": "BESTRESP", "P2": "OVRLRESP", "P3": "NONE", "P4": "OVRLRESP", "P5": "BESTRESP",
    }  # fmt: skip
    assert bor.loc["P1", "ADT"] == DAY0 + pd.Timedelta(days=42)  # first PR time point
    assert pd.isna(bor.loc["P3", "ADT"])


def test_sd_minimum_duration_counts_from_the_baseline_scan() -> None:
    # P2's baseline scan 14 days before allocation: SD on day 30 is 44 days after it
    people = adsl()
    people.loc[people["USUBJID"] == "P2", "BLTADT"] = DAY0 - pd.Timedelta(days=14)
    assert value(derive_adrs(people, ROWS), "P2", "BOR") == "SD"


def test_sd_minimum_duration_is_a_setting() -> None:
    out = derive_adrs(adsl(), ROWS, ResponseSettings(sd_min_days=28))
    assert value(out, "P2", "BOR") == "SD"  # day 30 >= 28


def test_response_and_disease_control_flags(adrs: pd.DataFrame) -> None:
    rsp = {u: value(adrs, u, "RSP") for u in ["P1", "P2", "P3", "P4", "P5"]}
    dcr = {u: value(adrs, u, "DCR") for u in ["P1", "P2", "P3", "P4", "P5"]}
    assert rsp == {"P1": "Y", "P2": "N", "P3": "N", "P4": "N", "P5": "N"}
    assert dcr == {"P1": "Y", "P2": "N", "P3": "N", "P4": "Y", "P5": "N"}


def test_irecist_parameters(adrs: pd.DataFrame) -> None:
    assert value(adrs, "P1", "IOVR") == "iPR"
    assert value(adrs, "P1", "IBOR") == "iPR"  # derived from the iRECIST time point
    assert value(adrs, "P1", "IRSP") == "Y"
    assert value(adrs, "P2", "IBOR") == "NE"  # no iRECIST record at all
    assert set(adrs.loc[adrs["PARAMCD"].str.startswith("I"), "PARCAT1"]) == {"iRECIST"}


def test_only_the_intention_to_treat_set(adrs: pd.DataFrame) -> None:
    assert "SF" not in set(adrs["USUBJID"])
    assert adrs.groupby("PARAMCD")["USUBJID"].nunique()["BOR"] == 5


def test_criteria_can_be_limited() -> None:
    out = derive_adrs(adsl(), ROWS, criteria=("RECIST1.1",))
    assert set(out["PARCAT1"]) == {"RECIST 1.1"}
