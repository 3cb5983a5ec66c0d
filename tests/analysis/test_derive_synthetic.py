"""The whole chain on the benchmark's synthetic trial: tidy tables -> derived -> tables, figures.

Small (200 screened) so it runs in a second or two; it checks invariants that
hold for any trial rather than hand-derived numbers, and checks the
vectorised iRECIST progression against a plain per-participant reading of
the rule.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

from oncotrial.analysis import figures, tables
from oncotrial.analysis.derive import (
    Cnsr,
    DerivationSettings,
    DerivedDatasets,
    best_percent_change,
    derive_all,
)
from oncotrial.analysis.derive.progression import IRECIST_RESET, irecist_progression
from oncotrial.protocol.loader import load_protocol

BENCH = Path(__file__).resolve().parents[2] / "bench" / "analysis.py"


def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_analysis", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def tidy() -> dict[str, pd.DataFrame]:
    return bench().synthetic_tables(200, seed=11)


@pytest.fixture(scope="module")
def derived(tidy: dict[str, pd.DataFrame]) -> DerivedDatasets:
    settings = DerivationSettings.from_protocol(load_protocol("protocols/eso_rt.toml").protocol)
    return derive_all(tidy, settings)


def test_derived_tables_are_consistent(
    tidy: dict[str, pd.DataFrame], derived: DerivedDatasets
) -> None:
    adsl, adtte = derived.adsl, derived.adtte
    assert len(adsl) == len(tidy["DM"]) and adsl["USUBJID"].is_unique
    itt = adsl.loc[adsl["ITTFL"] == "Y", "USUBJID"]
    per_param = adtte.groupby("PARAMCD")["USUBJID"].apply(set)
    assert set(per_param.index) == {"OS", "PFS", "IPFS", "TTSRT"}
    assert all(ids == set(itt) for ids in per_param)
    assert (adtte["AVAL"] >= 0).all() and adtte["ADT"].notna().all()
    assert set(adtte["CNSR"]) <= {int(c) for c in Cnsr}
    pfs = adtte.loc[adtte["PARAMCD"] == "PFS"].set_index("USUBJID")
    os_ = adtte.loc[adtte["PARAMCD"] == "OS"].set_index("USUBJID")
    # a progression-free survival time never exceeds the overall survival time
    assert (pfs["AVAL"] <= os_.loc[pfs.index, "AVAL"]).all()
    assert derived.adrs.loc[derived.adrs["PARAMCD"] == "BOR", "USUBJID"].nunique() == len(itt)
    assert set(derived.adae["TRTEMFL"]) <= {"Y", "N"}


def test_every_table_and_figure_is_produced(
    tidy: dict[str, pd.DataFrame],
    derived: DerivedDatasets,
    tmp_path: Path,
) -> None:
    d = derived
    made = {
        "table1": tables.table1(d.adsl),
        "response": tables.response_table(d.adrs, d.adsl),
        "ae": tables.ae_incidence(d.adae, d.adsl),
        "consort": tables.consort_counts(d.adsl, tidy["IE"], tidy["DS"]),
        "pfs": tables.arm_comparison(d.adtte, "PFS"),
        "subgroups": tables.subgroup_hazard_ratios(d.adtte, d.adsl, "PFS"),
    }
    for name, frame in made.items():
        tables.write_table(frame, tmp_path / name)
    consort = made["consort"].set_index("stage")
    assert consort.loc["assessed", "n"] == 200
    allocated = made["consort"].query("stage == 'allocated' and arm != ''")["n"].sum()
    assert allocated == (d.adsl["ITTFL"] == "Y").sum()
    pfs = d.adtte.loc[(d.adtte["PARAMCD"] == "PFS") & (d.adtte["COHORT"] == "randomized")]
    figures.km_figure(pfs, path=tmp_path / "km.png")
    figures.forest_figure(made["subgroups"])
    figures.ae_chart(made["ae"], "randomized")
    figures.consort_figure(made["consort"])
    figures.waterfall_figure(best_percent_change(d.adtr))
    figures.swimmer_figure(figures.swimmer_data(d.adsl, d.adrs, tidy["PR"]))
    assert (tmp_path / "km.png").stat().st_size > 0


def reference_irecist(codes: list[str], days: list[int]) -> tuple[float, float]:
    """The rule read one time point at a time: (confirmed iUPD day, open iUPD day)."""
    opened = None
    for code, day in zip(codes, days, strict=True):
        if code in IRECIST_RESET:
            opened = None
        elif code == "iUPD" and opened is None:
            opened = day
        elif code == "iCPD":
            return (day if opened is None else opened), np.nan
    return np.nan, (np.nan if opened is None else opened)


def test_vectorised_irecist_progression_matches_the_rule_read_in_order() -> None:
    rng = np.random.default_rng(5)
    codes = np.array(["iCR", "iPR", "iSD", "NON_iCR_NON_iUPD", "NE", "iUPD", "iCPD"])
    rows, expected = [], {}
    for i in range(300):
        k = int(rng.integers(1, 8))
        seq = list(rng.choice(codes, k, p=[0.05, 0.15, 0.25, 0.05, 0.15, 0.25, 0.1]))
        days = sorted(rng.choice(np.arange(1, 600), k, replace=False).tolist())
        expected[f"P{i}"] = reference_irecist(seq, days)
        rows += [(f"P{i}", c, d) for c, d in zip(seq, days, strict=True)]
    frame = pd.DataFrame(rows, columns=["USUBJID", "RSSTRESC", "DAY"])
    frame["RSDT"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(frame["DAY"], unit="D")
    found = irecist_progression(frame.sample(frac=1.0, random_state=1))  # any row order
    day0 = pd.Timestamp("2024-01-01")
    for usubjid, (confirmed, open_) in expected.items():
        got = found.loc[usubjid]
        got_confirmed = (got["CONFDT"] - day0).days if pd.notna(got["CONFDT"]) else np.nan
        got_open = (got["OPENDT"] - day0).days if pd.notna(got["OPENDT"]) else np.nan
        assert (got_confirmed, got_open) == pytest.approx((confirmed, open_), nan_ok=True), usubjid
