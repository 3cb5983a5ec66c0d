"""ADSL: one row per screened participant, with dates, actual arm and population flags."""

from __future__ import annotations

import pandas as pd
import pytest

from oncotrial.analysis.derive import derive_adsl
from oncotrial.analysis.tidy import DOMAINS, TidyTableError, empty

FILL = {"str": "", "int": 0, "float": float("nan"), "bool": False, "date": pd.NaT}
DTYPES = {"str": object, "int": "int64", "float": "float64", "bool": bool, "date": "datetime64[ns]"}


def table(domain: str, *rows: dict) -> pd.DataFrame:
    """A tidy table from partial rows; unnamed columns get an empty value of their kind."""
    if not rows:
        return empty(domain)
    spec = DOMAINS[domain]
    frame = pd.DataFrame([{c: r.get(c, FILL[k]) for c, k in spec.items()} for r in rows])
    return frame.astype({c: DTYPES[k] for c, k in spec.items()})


D = pd.Timestamp


def tables() -> dict[str, pd.DataFrame]:
    """P1 randomized consolidation, treated; P2 randomized salvage, died; P3 preference, never
    treated, lost; P4 screen failure."""
    return {
        "DM": table(
            "DM",
            {"USUBJID": "P1", "SITEID": "S1", "AGE": 70, "SEX": "M", "SCRNDT": D("2024-01-02"),
             "COHORT": "randomized", "ARMCD": "consolidation", "ALLOCDT": D("2024-01-10"),
             "INDRESP": "PR", "METORG": "1", "ECOG": 1},
            {"USUBJID": "P2", "SITEID": "S1", "AGE": 64, "SEX": "F", "SCRNDT": D("2024-01-20"),
             "COHORT": "randomized", "ARMCD": "salvage", "ALLOCDT": D("2024-02-01"),
             "INDRESP": "CR", "METORG": "2+", "ECOG": 0},
            {"USUBJID": "P3", "SITEID": "S2", "AGE": 65, "SEX": "M", "SCRNDT": D("2024-02-20"),
             "COHORT": "preference", "ARMCD": "consolidation", "ALLOCDT": D("2024-03-01"),
             "INDRESP": "PR", "METORG": "1", "ECOG": 0},
            {"USUBJID": "P4", "SITEID": "S2", "AGE": 50, "SEX": "F", "SCRNDT": D("2024-03-05")},
        ),
        "IE": table("IE", {"USUBJID": "P4", "IETESTCD": "I4", "IECAT": "inclusion",
                           "IEORRES": "not_met"}),
        "DS": table(
            "DS",
            {"USUBJID": "P2", "DSDECOD": "DEATH", "DSSTDT": D("2024-07-15")},
            {"USUBJID": "P3", "DSDECOD": "LOST_TO_FOLLOW_UP", "DSSTDT": D("2024-05-01")},
            {"USUBJID": "P4", "DSDECOD": "SCREEN_FAILURE", "DSTERM": "I4",
             "DSSTDT": D("2024-03-09")},
        ),
        "EX": table(
            "EX",
            # an induction cycle before allocation is not study treatment
            {"USUBJID": "P1", "EXCAT": "chemotherapy", "EXSTDT": D("2023-12-01")},
            {"USUBJID": "P1", "EXCAT": "chemotherapy", "EXSTDT": D("2024-01-12")},
            {"USUBJID": "P1", "EXCAT": "pd1", "EXSTDT": D("2024-02-02")},
            {"USUBJID": "P1", "EXCAT": "subsequent", "EXSTDT": D("2024-08-01")},
            {"USUBJID": "P2", "EXCAT": "pd1", "EXSTDT": D("2024-02-03")},
        ),
        "PR": table(
            "PR",
            {"USUBJID": "P1", "PRCAT": "consolidation", "PRSTDT": D("2024-03-01"),
             "PRENDT": D("2024-04-05")},
            {"USUBJID": "P2", "PRCAT": "salvage", "PRSTDT": D("2024-06-01"),
             "PRENDT": D("2024-06-20")},
        ),
        "TR": table(
            "TR",
            {"USUBJID": "P1", "TRLNKID": "T1", "TRROLE": "target", "TRSTRESN": 20.0,
             "TRDT": D("2024-01-05")},  # day -5: in the baseline window
            {"USUBJID": "P2", "TRLNKID": "T1", "TRROLE": "target", "TRSTRESN": 20.0,
             "TRDT": D("2023-12-20")},  # day -43: outside it
            {"USUBJID": "P3", "TRLNKID": "NT1", "TRROLE": "non_target", "TRSTRESC": "present",
             "TRDT": D("2024-02-28")},  # no target lesion
        ),
        "RS": table("RS", {"USUBJID": "P1", "RSCAT": "RECIST1.1", "RSTESTCD": "OVRLRESP",
                           "RSSTRESC": "PR", "RSDT": D("2024-02-21")}),
        "AE": table(
            "AE",
            {"USUBJID": "P1", "AEDECOD": "Nausea", "AETOXGR": 1, "AESTDT": D("2024-05-01"),
             "AEENDT": D("2024-05-10")},
            # a fatal AE whose end date is recorded after the death date
            {"USUBJID": "P2", "AEDECOD": "Pneumonitis", "AETOXGR": 5, "AESTDT": D("2024-07-01"),
             "AEENDT": D("2024-07-20")},
        ),
        "SS": table(
            "SS",
            {"USUBJID": "P1", "SSDT": D("2024-09-30"), "SSSTRESC": "ALIVE"},
            {"USUBJID": "P2", "SSDT": D("2024-07-15"), "SSSTRESC": "DEAD"},
        ),
    }  # fmt: skip


@pytest.fixture(scope="module")
def adsl() -> pd.DataFrame:
    return derive_adsl(tables()).set_index("USUBJID")


def test_one_row_per_screened_participant(adsl: pd.DataFrame) -> None:
    assert list(adsl.index) == ["P1", "P2", "P3", "P4"]
    assert (adsl["SCRNFL"] == "Y").all()


def test_population_flags(adsl: pd.DataFrame) -> None:
    flags = adsl[["SCRFFL", "ITTFL", "RANDFL", "PREFFL", "SAFFL", "EFFFL"]]
    assert flags.loc["P1"].tolist() == ["N", "Y", "Y", "N", "Y", "Y"]
    # P2: baseline target measured 43 days before allocation, outside [-28, 0]
    assert flags.loc["P2"].tolist() == ["N", "Y", "Y", "N", "Y", "N"]
    # P3: allocated, never treated, no target lesion
    assert flags.loc["P3"].tolist() == ["N", "Y", "N", "Y", "N", "N"]
    assert flags.loc["P4"].tolist() == ["Y", "N", "N", "N", "N", "N"]


def test_planned_and_actual_arms(adsl: pd.DataFrame) -> None:
    assert adsl["TRT01P"].tolist() == ["consolidation", "salvage", "consolidation", ""]
    # actual: consolidation only when a consolidation course started; none when untreated
    assert adsl["TRT01A"].tolist() == ["consolidation", "salvage", "", ""]


def test_treatment_dates_start_at_allocation(adsl: pd.DataFrame) -> None:
    p1 = adsl.loc["P1"]
    assert p1["TRTSDT"] == D("2024-01-12")  # the induction cycle of 2023-12-01 is not counted
    assert p1["TRTEDT"] == D("2024-04-05")  # the end of radiotherapy, after the last cycle
    assert p1["CRTSDT"] == D("2024-03-01") and pd.isna(p1["SRTSDT"])
    assert p1["NACTSDT"] == D("2024-08-01")  # EXCAT outside the study regimen
    assert adsl.loc["P2", "SRTSDT"] == D("2024-06-01")
    assert adsl.loc["P2", "TRTEDT"] == D("2024-06-20")
    assert adsl.loc["P1", "RANDDT"] == D("2024-01-10") and pd.isna(adsl.loc["P3", "RANDDT"])


def test_baseline_tumour_assessment_is_the_latest_scan_in_the_window(adsl: pd.DataFrame) -> None:
    assert adsl.loc["P1", "BLTADT"] == D("2024-01-05")
    assert pd.isna(adsl.loc["P2", "BLTADT"])  # day -43
    assert adsl.loc["P3", "BLTADT"] == D("2024-02-28")  # any lesion role counts


def test_death_and_last_known_alive(adsl: pd.DataFrame) -> None:
    assert adsl.loc["P1", "LSTALVDT"] == D("2024-09-30")  # survival contact, the latest
    assert pd.isna(adsl.loc["P1", "DTHDT"]) and adsl.loc["P1", "DTHFL"] == ""
    assert adsl.loc["P2", "DTHDT"] == D("2024-07-15") and adsl.loc["P2", "DTHFL"] == "Y"
    # the fatal AE's end (2024-07-20) does not show P2 alive after death
    assert adsl.loc["P2", "LSTALVDT"] == D("2024-07-15")
    assert adsl.loc["P3", "LSTALVDT"] == D("2024-05-01")  # the lost-to-follow-up record


def test_disposition(adsl: pd.DataFrame) -> None:
    assert adsl["EOSSTT"].tolist() == ["ONGOING", "DISCONTINUED", "DISCONTINUED", ""]
    assert adsl["DCSREAS"].tolist() == ["", "DEATH", "LOST_TO_FOLLOW_UP", ""]
    assert adsl.loc["P3", "LTFUDT"] == D("2024-05-01")


def test_baseline_characteristics(adsl: pd.DataFrame) -> None:
    assert adsl["AGEGR1"].tolist() == [">=65", "<65", ">=65", "<65"]  # 70, 64, 65, 50
    assert adsl.loc["P2", ["INDRESP", "METORG", "ECOG"]].tolist() == ["CR", "2+", 0]


def test_the_geriatric_age_and_baseline_window_are_settings() -> None:
    out = derive_adsl(tables(), geriatric_age=70, baseline_window=(-60, 0)).set_index("USUBJID")
    assert out["AGEGR1"].tolist() == [">=70", "<70", "<70", "<70"]
    assert out.loc["P2", "EFFFL"] == "Y"  # day -43 is inside [-60, 0]


def test_duplicated_participants_are_refused() -> None:
    t = tables()
    t["DM"] = pd.concat([t["DM"], t["DM"].iloc[[0]]], ignore_index=True)
    with pytest.raises(TidyTableError, match=r"DM.USUBJID: must be unique; repeated P1"):
        derive_adsl(t)


def test_records_of_unknown_participants_are_refused() -> None:
    t = tables()
    t["AE"] = pd.concat([t["AE"], table("AE", {"USUBJID": "P9", "AETOXGR": 1})])
    with pytest.raises(TidyTableError, match=r"AE.USUBJID: 1 participant\(s\) not in DM: P9"):
        derive_adsl(t)


def test_a_half_recorded_allocation_is_refused() -> None:
    t = tables()
    t["DM"].loc[3, "ARMCD"] = "salvage"  # P4: arm but no cohort or allocation date
    with pytest.raises(TidyTableError, match=r"all set or all empty; 1 participant\(s\).*P4"):
        derive_adsl(t)


def test_a_missing_domain_is_named() -> None:
    t = tables()
    del t["SS"]
    with pytest.raises(TidyTableError, match="missing domain"):
        derive_adsl(t)
