"""Forest, waterfall, swimmer, AE and CONSORT figures show the numbers they are given."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from oncotrial.analysis.figures import (
    ae_chart,
    consort_figure,
    forest_figure,
    swimmer_data,
    swimmer_figure,
    waterfall_figure,
)

DAY0 = pd.Timestamp("2024-01-01")
MONTH = 365.25 / 12


def axes(fig: Figure, name: str) -> Axes:
    return next(ax for ax in fig.axes if ax.get_label() == name)


def test_forest_points_intervals_and_labels() -> None:
    table = pd.DataFrame(
        {
            "label": ["All participants", "Sex", "Sex"],
            "level": ["", "F", "M"],
            "n": [100, 30, 70],
            "events": [60, 20, 40],
            "hr": [0.7, math.nan, 0.8],
            "hr_lower": [0.5, math.nan, 0.55],
            "hr_upper": [0.98, math.nan, 1.16],
        }
    )
    fig = forest_figure(table)
    ax = axes(fig, "forest")
    points = {line.get_gid(): line.get_xdata()[0] for line in ax.lines if line.get_gid()}
    assert points == {"hr:0": 0.7, "hr:2": 0.8}
    ci = {c.get_gid(): c.get_segments()[0][:, 0].tolist() for c in ax.collections}
    assert ci == {"ci:0": [0.5, 0.98], "ci:2": [0.55, 1.16]}
    assert [t.get_text() for t in ax.get_yticklabels()] == ["All participants", "  Sex: F",
                                                           "  Sex: M"]  # fmt: skip
    estimates = {t.get_gid(): t.get_text() for t in ax.texts if t.get_gid()}
    assert estimates["estimate:0"].endswith("0.70 (0.50-0.98)")
    assert estimates["estimate:1"].endswith("not estimable")


def test_waterfall_bar_heights_are_the_best_changes_by_arm() -> None:
    best = pd.DataFrame(
        {
            "USUBJID": ["A", "B", "C", "D", "E"],
            "TRT01P": ["consolidation", "consolidation", "salvage", "consolidation", "salvage"],
            "BESTPCHG": [-45.0, 25.0, -10.0, 0.0, -100.0],
        }
    )
    fig = waterfall_figure(best)
    cons = axes(fig, "waterfall:consolidation")
    assert [(p.get_gid(), p.get_height()) for p in cons.patches] == [
        ("B", 25.0), ("D", 0.0), ("A", -45.0),
    ]  # fmt: skip
    salv = axes(fig, "waterfall:salvage")
    assert [p.get_height() for p in salv.patches] == [-10.0, -100.0]
    colours = [p.get_facecolor()[:3] for p in cons.patches]
    assert colours[0] != colours[2]  # growth and shrinkage drawn apart


def swimmer_inputs() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    def d(n: float) -> pd.Timestamp:
        return DAY0 + pd.Timedelta(days=n)

    adsl = pd.DataFrame(
        {
            "USUBJID": ["A", "B", "X"],
            "TRT01P": ["consolidation", "salvage", ""],
            "ITTFL": ["Y", "Y", "N"],
            "ALLOCDT": [DAY0, DAY0, pd.NaT],
            "TRTSDT": [d(2), d(3), pd.NaT],
            "TRTEDT": [d(120), d(60), pd.NaT],
            "DTHDT": [pd.NaT, d(300), pd.NaT],
            "LSTALVDT": [d(500), d(290), pd.NaT],
            "EOSSTT": ["ONGOING", "DISCONTINUED", ""],
        }
    )
    adrs = pd.DataFrame(
        {
            "USUBJID": ["A", "A", "B", "B"],
            "PARAMCD": ["OVR"] * 4,
            "AVALC": ["PR", "CR", "SD", "PD"],
            "ADT": [d(42), d(84), d(42), d(150)],
            "ADY": [42.0, 84.0, 42.0, 150.0],
        }
    )
    pr = pd.DataFrame(
        {
            "USUBJID": ["A", "B"],
            "PRCAT": ["consolidation", "salvage"],
            "PRLOC": "primary",
            "PRDOSE": 50.0,
            "PRFRACT": 25,
            "PRSTDT": [d(90), d(160)],
            "PRENDT": [d(124), d(180)],
        }
    )
    return adsl, adrs, pr


def test_swimmer_lanes_bands_and_marks() -> None:
    data = swimmer_data(*swimmer_inputs())
    ax = axes(swimmer_figure(data), "swimmer")
    bars = {p.get_gid(): (p.get_x(), p.get_width()) for p in ax.patches if p.get_gid()}
    # A: alive, last known 500 days; B: died on day 300; X is not allocated
    assert bars["lane:A"] == pytest.approx((0.0, 500 / MONTH))
    assert bars["lane:B"] == pytest.approx((0.0, 300 / MONTH))
    assert bars["treatment:A"] == pytest.approx((2 / MONTH, 118 / MONTH))
    assert bars["rt:salvage:B"] == pytest.approx((160 / MONTH, 20 / MONTH))
    assert not any(g.endswith(":X") for g in bars)
    marks = {line.get_gid(): line.get_xdata()[0] for line in ax.lines if line.get_gid()}
    assert marks == pytest.approx(
        {"response:A": 42 / MONTH, "ongoing:A": 500 / MONTH,
         "progression:B": 150 / MONTH, "death:B": 300 / MONTH}
    )  # fmt: skip
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A", "B"]  # arm order, then length


def test_ae_chart_segments_are_percentages_of_the_arm() -> None:
    incidence = pd.DataFrame(
        {
            "cohort": "randomized",
            "arm": ["consolidation", "consolidation", "salvage", "salvage", "total"],
            "N": [10, 10, 8, 8, 18],
            "attribution": "all",
            "term": ["Nausea", "Fatigue", "Nausea", "Fatigue", "Nausea"],
            "any_grade": [3, 1, 4, 0, 7],
            "grade_1": [1, 1, 2, 0, 3],
            "grade_2": [0, 0, 2, 0, 2],
            "grade_3": [2, 0, 0, 0, 2],
            "grade_4": [0, 0, 0, 0, 0],
            "grade_5": [0, 0, 0, 0, 0],
        }
    )
    fig = ae_chart(incidence, "randomized")
    cons = {p.get_gid(): p.get_width() for p in axes(fig, "ae:consolidation").patches}
    assert cons["Nausea:grade_1"] == pytest.approx(10.0)  # 1 of 10
    assert cons["Nausea:grade_3"] == pytest.approx(20.0)
    salv = {p.get_gid(): (p.get_x(), p.get_width()) for p in axes(fig, "ae:salvage").patches}
    assert salv["Nausea:grade_2"] == pytest.approx((25.0, 25.0))  # after grade 1's 2 of 8
    terms = [t.get_text() for t in axes(fig, "ae:consolidation").get_yticklabels()]
    assert terms == ["Nausea", "Fatigue"]  # 7 participants vs 1 over the arms


def test_consort_boxes_hold_the_counts_and_arrows_join_them() -> None:
    rows = [
        ("assessed", "", "", "", 10), ("excluded", "", "", "", 3),
        ("excluded_reason", "", "", "I4: inclusion criterion not met", 2),
        ("excluded_reason", "", "", "declined participation", 1),
        ("allocated", "randomized", "", "", 7),
        ("allocated", "randomized", "consolidation", "", 4),
        ("treated", "randomized", "consolidation", "", 3),
        ("not_treated", "randomized", "consolidation", "", 1),
        ("lost_to_follow_up", "randomized", "consolidation", "", 1),
        ("withdrawn", "randomized", "consolidation", "", 0),
        ("died", "randomized", "consolidation", "", 2),
        ("analysed", "randomized", "consolidation", "", 4),
        ("analysed_safety", "randomized", "consolidation", "", 3),
        ("allocated", "randomized", "salvage", "", 3),
        ("treated", "randomized", "salvage", "", 3),
        ("analysed", "randomized", "salvage", "", 3),
    ]  # fmt: skip
    counts = pd.DataFrame(rows, columns=["stage", "cohort", "arm", "reason", "n"])
    ax = axes(consort_figure(counts), "consort")
    boxes = {t.get_gid(): t.get_text() for t in ax.texts if t.get_gid()}
    assert boxes["box:assessed"] == "Assessed for eligibility (n=10)"
    assert "Excluded (n=3)" in boxes["box:excluded"]
    assert "I4: inclusion criterion not met (n=2)" in boxes["box:excluded"]
    assert boxes["box:allocated:randomized"] == "Randomized cohort: allocated (n=7)"
    assert boxes["box:allocation:randomized:consolidation"].splitlines() == [
        "Allocated to consolidation (n=4)", "Received study treatment (n=3)",
        "Did not receive it (n=1)",
    ]  # fmt: skip
    assert "Died (n=2)" in boxes["box:follow_up:randomized:consolidation"]
    assert boxes["box:analysis:randomized:salvage"].startswith("Analysed, ITT (n=3)")
    arrows = {a.get_gid() for a in ax.texts if (a.get_gid() or "").startswith("arrow:")}
    assert "arrow:assessed->excluded" in arrows
    assert "arrow:allocation:randomized:salvage->follow_up:randomized:salvage" in arrows
    assert len(arrows) == 1 + 1 + 3 * 2  # excluded, cohort, three per arm


def test_empty_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="no participant"):
        waterfall_figure(pd.DataFrame({"USUBJID": [], "TRT01P": [], "BESTPCHG": []}))
    with pytest.raises(ValueError, match="no rows"):
        forest_figure(pd.DataFrame(columns=["label", "level", "hr", "hr_lower", "hr_upper"]))
