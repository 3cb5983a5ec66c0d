"""Survival summaries, arm comparisons (per cohort and stratified by cohort), subgroup HRs."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from oncotrial.analysis.survival import cox, kaplan_meier, logrank
from oncotrial.analysis.tables import (
    arm_comparison,
    column_kinds,
    read_csv_table,
    read_parquet_table,
    subgroup_hazard_ratios,
    survival_summary,
    write_table,
)


def adtte(seed: int = 7, n: int = 80) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    arm = np.where(np.arange(n) % 2 == 0, "consolidation", "salvage")
    cohort = np.where(np.arange(n) % 5 < 3, "randomized", "preference")
    time = np.round(rng.exponential(np.where(arm == "consolidation", 400, 250))) + 1
    return pd.DataFrame(
        {
            "USUBJID": [f"P{i:03d}" for i in range(n)],
            "PARAMCD": "PFS",
            "COHORT": cohort,
            "TRT01P": arm,
            "AVAL": time,
            "CNSR": np.where(rng.random(n) < 0.25, 2, 0),
        }
    )


DATA = adtte()
ADSL = pd.DataFrame({"USUBJID": DATA["USUBJID"], "SEX": np.where(np.arange(80) % 3 == 0, "F", "M")})


def test_summary_matches_the_kaplan_meier_fit() -> None:
    table = survival_summary(DATA, "PFS", landmarks=(365,))
    row = table.loc[(table["cohort"] == "randomized") & (table["arm"] == "salvage")].iloc[0]
    rows = DATA.loc[(DATA["COHORT"] == "randomized") & (DATA["TRT01P"] == "salvage")]
    fit = kaplan_meier(rows["AVAL"], rows["CNSR"] == 0)
    assert (row["n"], row["events"]) == (len(rows), int((rows["CNSR"] == 0).sum()))
    assert (row["median"], row["median_lower"], row["median_upper"]) == (
        fit.median, *fit.median_ci,
    )  # fmt: skip
    assert row["surv_365"] == fit.survival_at(365).survival
    assert list(table["arm"]) == ["consolidation", "salvage", "total"] * 2


def test_comparison_per_cohort_and_combined_stratified_by_cohort() -> None:
    table = arm_comparison(DATA, "PFS").set_index("analysis")
    assert list(table.index) == ["randomized", "preference", "combined (stratified by cohort)"]
    data = DATA.assign(EXP=(DATA["TRT01P"] == "consolidation").astype(int),
                       EVENT=(DATA["CNSR"] == 0).astype(int))  # fmt: skip
    combined = table.loc["combined (stratified by cohort)"]
    expected = logrank(data["AVAL"], data["EVENT"], data["EXP"], strata=data["COHORT"])
    assert combined["logrank_chisq"] == pytest.approx(expected.chisq, rel=1e-12)
    model = cox(data, "AVAL", "EVENT", ["EXP"], strata="COHORT")
    assert combined["hr"] == pytest.approx(float(model.hr["EXP"]), rel=1e-12)
    randomized = data.loc[data["COHORT"] == "randomized"]
    alone = cox(randomized, "AVAL", "EVENT", ["EXP"])
    assert table.loc["randomized", "hr"] == pytest.approx(float(alone.hr["EXP"]), rel=1e-12)


def test_no_events_in_an_arm_is_not_estimable() -> None:
    data = DATA.copy()
    data.loc[data["TRT01P"] == "salvage", "CNSR"] = 2
    table = arm_comparison(data, "PFS")
    assert table["hr"].isna().all() and table["logrank_p"].isna().all()


def test_subgroups_are_stratified_by_cohort_when_both_are_present() -> None:
    table = subgroup_hazard_ratios(DATA, ADSL, "PFS", subgroups=(("COHORT", "Cohort"),
                                                                  ("SEX", "Sex")))  # fmt: skip
    assert list(zip(table["subgroup"], table["level"], strict=True)) == [
        ("", ""), ("COHORT", "randomized"), ("COHORT", "preference"), ("SEX", "F"), ("SEX", "M"),
    ]  # fmt: skip
    overall = arm_comparison(DATA, "PFS").set_index("analysis")
    assert table["hr"].iloc[0] == overall.loc["combined (stratified by cohort)", "hr"]
    assert table["hr"].iloc[1] == overall.loc["randomized", "hr"]
    women = DATA.loc[ADSL["SEX"] == "F"].assign(
        EXP=lambda d: (d["TRT01P"] == "consolidation").astype(int),
        EVENT=lambda d: (d["CNSR"] == 0).astype(int),
    )
    expected = cox(women, "AVAL", "EVENT", ["EXP"], strata="COHORT")
    assert table["hr"].iloc[3] == pytest.approx(float(expected.hr["EXP"]), rel=1e-12)
    assert not math.isnan(table["hr_lower"].iloc[3])


def test_unknown_parameter_is_refused() -> None:
    with pytest.raises(ValueError, match="no rows for PARAMCD 'OS'"):
        survival_summary(DATA, "OS")


def test_round_trip(tmp_path: Path) -> None:
    for i, table in enumerate(
        [survival_summary(DATA, "PFS"), arm_comparison(DATA, "PFS"),
         subgroup_hazard_ratios(DATA, ADSL, "PFS", subgroups=(("SEX", "Sex"),))]
    ):  # fmt: skip
        csv_path, parquet_path = write_table(table, tmp_path / f"t{i}")
        pdt.assert_frame_equal(read_csv_table(csv_path, column_kinds(table)), table)
        pdt.assert_frame_equal(read_parquet_table(parquet_path), table)
