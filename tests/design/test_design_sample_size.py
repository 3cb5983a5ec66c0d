"""Events, patients and event timing for the log-rank design (design.sample_size).

References: statistics-and-standards.md sections 3.1-3.3 (Schoenfeld 1983,
Freedman 1982), the gsDesign vignette "Overview of survival endpoint design",
rpact's test-f_design_plan_survival.R, and lifelines'
``sample_size_necessary_under_cph`` (Freedman, two-sided only).
Issue 9 asks for agreement to 4 significant digits; values published with
more digits are checked more tightly.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lifelines.statistics import sample_size_necessary_under_cph

from oncotrial.design.sample_size import (
    average_event_probability,
    event_probability,
    expected_events,
    expected_z,
    experimental_fraction,
    freedman_events,
    hazard_from_median,
    hazard_from_probability,
    patients_for_events,
    schoenfeld_events,
    schoenfeld_power,
    time_to_events,
)


def assert_significant(value: float, reference: float, digits: int = 4) -> None:
    """`value` equals `reference` to `digits` significant digits (half a unit in the last)."""
    unit = 10.0 ** (math.floor(math.log10(abs(reference))) - digits + 1)
    assert abs(value - reference) <= unit / 2, f"{value} != {reference} to {digits} digits"


# statistics-and-standards.md section 3.2, "a typical design for this trial" (HR 0.6, 1:1, 80 %).
@pytest.mark.parametrize(
    ("alpha", "sided", "schoenfeld", "freedman"),
    [(0.05, 2, 120.32, 125.58), (0.10, 1, 69.10, 72.13), (0.05, 1, 94.77, 98.92)],
)
def test_events_for_hr_06_power_08(
    alpha: float, sided: int, schoenfeld: float, freedman: float
) -> None:
    assert_significant(schoenfeld_events(0.6, alpha, 0.8, sided=sided), schoenfeld)
    assert_significant(freedman_events(0.6, alpha, 0.8, sided=sided), freedman)


def test_schoenfeld_two_sided_is_the_issue_example() -> None:
    # Issue 9 "Done when": Schoenfeld events for HR 0.6, two-sided 0.05, power 0.8 = 120.3.
    events = schoenfeld_events(0.6, 0.05, 0.8)
    assert_significant(events, 120.3)
    assert math.ceil(events) == 121


def test_gsdesign_vignette_hr_07() -> None:
    # gsDesign vignette "Overview of survival endpoint design": HR 0.7, one-sided 0.025,
    # 90 % power needs 331 events (Schoenfeld, unrounded 330.38; section 3.2).
    events = schoenfeld_events(0.7, 0.025, 0.9, sided=1)
    assert_significant(events, 330.38, 5)
    assert math.ceil(events) == 331


# rpact tests/testthat/test-f_design_plan_survival.R, first test: getSampleSizeSurvival(alpha =
# 0.01) with its defaults: one-sided, power 0.8, pi1 = 0.4/0.5/0.6 and pi2 = 0.2 at eventTime 12,
# accrual over 12 and follow-up 6, 1:1, Schoenfeld, no dropout. Expected values to 1e-7.
RPACT_DEFAULTS = [
    # pi1, lambda1, median1, hazardRatio, maxNumberOfEvents, nFixed
    (0.4, 0.042568802, 16.282985, 2.2892242, 58.52451, 197.78666),
    (0.5, 0.057762265, 12.0, 3.1062837, 31.248898, 90.804254),
    (0.6, 0.076357561, 9.0776496, 4.1062837, 20.120262, 51.314209),
]


@pytest.mark.parametrize(("pi1", "lambda1", "median1", "hr", "events", "n_fixed"), RPACT_DEFAULTS)
def test_rpact_get_sample_size_survival_defaults(
    pi1: float, lambda1: float, median1: float, hr: float, events: float, n_fixed: float
) -> None:
    lam2 = hazard_from_probability(0.2, 12)
    lam1 = hazard_from_probability(pi1, 12)
    assert lam2 == pytest.approx(0.018595296, rel=1e-7)
    assert math.log(2) / lam2 == pytest.approx(37.275405, rel=1e-7)
    assert lam1 == pytest.approx(lambda1, rel=1e-7)
    assert math.log(2) / lam1 == pytest.approx(median1, rel=1e-7)
    assert lam1 / lam2 == pytest.approx(hr, rel=1e-7)
    d = schoenfeld_events(lam1 / lam2, 0.01, 0.8, sided=1)
    assert d == pytest.approx(events, rel=1e-7)
    n = patients_for_events(
        d, hazard_control=lam2, hazard_ratio=lam1 / lam2, accrual_time=12, follow_up=6
    )
    assert n == pytest.approx(n_fixed, rel=1e-7)
    # accrualIntensity = nFixed / accrual time
    assert n / 12 == pytest.approx(n_fixed / 12, rel=1e-7)


@pytest.mark.parametrize(
    ("power", "ratio", "p_exp", "p_con", "hr"),
    [
        (0.8, 1, 0.25, 0.35, 0.7),  # lifelines docstring example: (421, 421)
        (0.8, 1, 0.5, 0.5, 0.6),  # statistics-and-standards.md 3.3: (126, 126)
        (0.9, 2, 0.4, 0.5, 0.65),
        (0.85, 0.5, 0.3, 0.45, 1.5),
    ],
)
def test_freedman_agrees_with_lifelines(
    power: float, ratio: float, p_exp: float, p_con: float, hr: float
) -> None:
    # lifelines implements Freedman with two-sided alpha: patients = events / (weighted P(event)).
    n_exp, n_con = sample_size_necessary_under_cph(power, ratio, p_exp, p_con, hr, alpha=0.05)
    events = freedman_events(hr, 0.05, power, sided=2, ratio=ratio)
    assert math.ceil(events * ratio / (ratio * p_exp + p_con)) == n_exp
    assert math.ceil(events / (ratio * p_exp + p_con)) == n_con


def test_lifelines_docstring_example_numbers() -> None:
    # lifelines docstring: sample_size_necessary_under_cph(0.8, 1, 0.25, 0.35, 0.7) -> (421, 421)
    assert sample_size_necessary_under_cph(0.8, 1, 0.25, 0.35, 0.7) == (421, 421)
    assert math.ceil(freedman_events(0.7, 0.05, 0.8) / 0.6) == 421


def test_allocation_ratio_enters_through_p() -> None:
    # Schoenfeld: p = r / (1 + r); 2:1 and 1:2 need the same events, 1:1 x (1/4) / (2/9).
    one_to_one = schoenfeld_events(0.6, 0.05, 0.8)
    assert experimental_fraction(2) == pytest.approx(2 / 3)
    assert schoenfeld_events(0.6, 0.05, 0.8, ratio=2) == pytest.approx(one_to_one * 9 / 8)
    assert schoenfeld_events(0.6, 0.05, 0.8, ratio=0.5) == pytest.approx(one_to_one * 9 / 8)
    # Freedman is not symmetric in the ratio: more patients on the arm with more events helps.
    assert freedman_events(0.6, 0.05, 0.8, ratio=2) != freedman_events(0.6, 0.05, 0.8, ratio=0.5)


@given(
    hr=st.floats(0.2, 0.98) | st.floats(1.02, 5.0),
    alpha=st.floats(0.001, 0.2),
    power=st.floats(0.5, 0.99),
)
def test_freedman_never_needs_fewer_events_than_schoenfeld_at_1_to_1(
    hr: float, alpha: float, power: float
) -> None:
    # (1 + h) log(1/h) >= 2 |1 - h| for every h > 0, so Freedman >= Schoenfeld at 1:1.
    assert freedman_events(hr, alpha, power) >= schoenfeld_events(hr, alpha, power) * (1 - 1e-12)


@given(hr=st.floats(0.2, 0.95), events=st.floats(5, 500))
def test_schoenfeld_power_inverts_events(hr: float, events: float) -> None:
    power = schoenfeld_power(hr, events, 0.05, sided=2)
    if 0.01 < power < 0.99:
        assert schoenfeld_events(hr, 0.05, power) == pytest.approx(events, rel=1e-8)
    assert expected_z(hr, events) == pytest.approx(-math.log(hr) * math.sqrt(events) / 2)


def test_event_probability_formula() -> None:
    # section 3.1: P = 1 - [exp(-l f) - exp(-l (a + f))] / (l a); with dropout e, scaled by l/(l+e).
    lam, a, f = 0.05, 18.0, 12.0
    expected = 1 - (math.exp(-lam * f) - math.exp(-lam * (a + f))) / (lam * a)
    assert event_probability(lam, a, f) == pytest.approx(expected, rel=1e-12)
    assert event_probability(lam, 0.0, f) == pytest.approx(1 - math.exp(-lam * f))
    k = lam + 0.01
    with_dropout = lam / k * (1 - (math.exp(-k * f) - math.exp(-k * (a + f))) / (k * a))
    assert event_probability(lam, a, f, 0.01) == pytest.approx(with_dropout, rel=1e-12)
    mixed = average_event_probability(lam, 0.6, a, f, ratio=2)
    assert mixed == pytest.approx(
        event_probability(lam, a, f) / 3 + 2 * event_probability(lam * 0.6, a, f) / 3
    )


ESO_RT = {
    "n_patients": 120,
    "accrual_rate": 120 / 18,
    "median_control": 12.0,
    "median_experimental": 20.0,
    "dropout_hazard": hazard_from_probability(0.05, 12),
}


def test_time_to_events_inverts_expected_events() -> None:
    t = time_to_events(70, **ESO_RT)
    assert expected_events(t, **ESO_RT) == pytest.approx(70, rel=1e-9)
    assert 18 < t < 60
    # After accrual, the 18-month horizon is the same as event_probability with follow-up t - 18.
    lam_c, lam_e = hazard_from_median(12), hazard_from_median(20)
    eta = ESO_RT["dropout_hazard"]
    by_formula = 60 * (
        event_probability(lam_c, 18, t - 18, eta) + event_probability(lam_e, 18, t - 18, eta)
    )
    assert expected_events(t, **ESO_RT) == pytest.approx(by_formula, rel=1e-12)


def test_expected_events_during_accrual_and_at_infinity() -> None:
    assert expected_events(0.0, **ESO_RT) == 0.0
    early = expected_events(6.0, **ESO_RT)
    # 40 patients by month 6; each followed a uniform 0-6 months.
    assert 0 < early < 40 * (1 - math.exp(-hazard_from_median(12) * 6))
    lam_c, lam_e = hazard_from_median(12), hazard_from_median(20)
    eta = ESO_RT["dropout_hazard"]
    ceiling = 60 * (lam_c / (lam_c + eta) + lam_e / (lam_e + eta))
    assert expected_events(10_000.0, **ESO_RT) == pytest.approx(ceiling, rel=1e-9)
    with pytest.raises(ValueError, match="events"):
        time_to_events(ceiling + 1, **ESO_RT)


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: schoenfeld_events(0.0, 0.05, 0.8), "hr"),
        (lambda: schoenfeld_events(1.0, 0.05, 0.8), "hr"),
        (lambda: schoenfeld_events(0.6, 1.5, 0.8), "alpha"),
        (lambda: freedman_events(0.6, 0.05, 1.0), "power"),
        (lambda: freedman_events(0.6, 0.05, 0.8, sided=3), "sided"),
        (lambda: freedman_events(0.6, 0.05, 0.8, ratio=0), "ratio"),
        (lambda: schoenfeld_events(float("nan"), 0.05, 0.8), "hr"),
        (lambda: event_probability(-1.0, 12, 6), "hazard"),
        (lambda: event_probability(0.1, -12, 6), "accrual_time"),
        (lambda: event_probability(0.1, 12, 6, -0.1), "dropout_hazard"),
        (lambda: hazard_from_probability(1.0, 12), "probability"),
        (lambda: hazard_from_median(0), "median"),
        (lambda: time_to_events(70, **{**ESO_RT, "accrual_rate": 0}), "accrual_rate"),
    ],
)
def test_bad_arguments_name_the_argument(call, argument: str) -> None:
    with pytest.raises(ValueError, match=argument):
        call()
