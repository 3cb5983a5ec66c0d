"""Monte Carlo operating characteristics and their plot (design.operating_characteristics).

References: statistics-and-standards.md section 6 (standard simulation
approach; MC standard error sqrt(p (1 - p) / M); for 120 patients, HR 0.6,
analysis at 70 events, one-sided 0.10: power 0.801 and type I error 0.099
from 20,000 trials) and section 3.2; Schoenfeld (1983) for the analytic
power; group-sequential alpha spent from design.group_sequential (rpact-checked).
Tolerances are Monte Carlo standard errors at fixed seeds.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm

from oncotrial.design.group_sequential import design
from oncotrial.design.operating_characteristics import operating_characteristics
from oncotrial.design.operating_characteristics_plot import plot_operating_characteristics
from oncotrial.design.sample_size import hazard_from_probability, schoenfeld_power, time_to_events
from oncotrial.design.survival_trials import (
    SurvivalScenario,
    cut,
    event_driven_cutoff,
    simulate_trials,
)

DROPOUT = hazard_from_probability(0.05, 12)  # 5 % a year, in months


def eso_rt(hr: float) -> SurvivalScenario:
    """120 patients, 18-month uniform accrual, control median 12 months (section 6 example)."""
    return SurvivalScenario(120, 18.0, 12.0, hr, DROPOUT)


def mc_se(p: float, trials: int) -> float:
    return math.sqrt(p * (1 - p) / trials)


def test_type_one_error_near_alpha_under_hr_1() -> None:
    # Section 6: under HR 1 the one-sided 0.10 test at 70 events rejects 0.099.
    trials = 20_000
    result = operating_characteristics(
        eso_rt(1.0), efficacy=[norm.isf(0.10)], events=[70], n_trials=trials, seed=20240901
    )
    assert abs(result.reject_rate - 0.10) < 4 * mc_se(0.10, trials)
    assert result.reject_se == pytest.approx(mc_se(result.reject_rate, trials))
    assert result.expected_events == 70  # event-driven: every trial analysed at its 70th event
    assert result.target_missed == 0.0


def test_power_at_70_events_matches_section_6_and_schoenfeld() -> None:
    # Section 3.2 / 6: D = 70, HR 0.6, one-sided 0.10 rejects 80.1 % (MC, 20,000 trials);
    # Schoenfeld's approximation gives 0.80.
    trials = 20_000
    result = operating_characteristics(
        eso_rt(0.6), efficacy=[norm.isf(0.10)], events=[70], n_trials=trials, seed=7
    )
    assert abs(result.reject_rate - 0.801) < 4 * mc_se(0.8, trials)
    assert abs(result.reject_rate - schoenfeld_power(0.6, 70, 0.10, sided=1)) < 0.015
    # The mean calendar time of the 70th event is close to the time at which 70 events are
    # expected (they differ by the curvature of the event curve only).
    analytic = time_to_events(
        70,
        n_patients=120,
        accrual_rate=120 / 18,
        median_control=12,
        median_experimental=20,
        dropout_hazard=DROPOUT,
    )
    assert result.expected_duration == pytest.approx(analytic, rel=0.03)
    assert result.expected_patients == pytest.approx(120, abs=0.5)


def test_fixed_calendar_analysis_two_sided() -> None:
    # Section 6 example: analysis at month 36, two-sided 0.05: power 0.62.
    trials = 10_000
    result = operating_characteristics(
        eso_rt(0.6), efficacy=[norm.isf(0.025)], times=[36.0], sided=2, n_trials=trials, seed=3
    )
    assert abs(result.reject_rate - 0.62) < 4 * mc_se(0.62, trials)
    assert result.expected_duration == 36.0
    assert 70 < result.expected_events < 90


def test_group_sequential_stopping_under_h0_follows_alpha_spent() -> None:
    # Classic O'Brien-Fleming K = 2, one-sided 0.025 (2.7965, 1.9774): under H0 the trial
    # stops at look 1 with probability 0.00258 and rejects overall with probability 0.025.
    d = design(2, 0.025, "obrien_fleming")
    trials = 10_000
    result = operating_characteristics(
        eso_rt(1.0), efficacy=d.efficacy, events=[35, 70], n_trials=trials, seed=11
    )
    assert abs(result.stop_efficacy[0] - d.alpha_per_look[0]) < 4 * mc_se(0.0026, trials) + 1e-4
    assert abs(result.reject_rate - 0.025) < 4 * mc_se(0.025, trials)
    assert sum(result.stop_probability) == pytest.approx(1.0)
    assert result.stop_futility == (0.0, 0.0)


def test_futility_stops_early_and_costs_power() -> None:
    d = design(2, 0.10, "ld_obrien_fleming", beta=0.2, futility="ld_obrien_fleming")
    assert d.futility is not None
    common = {"efficacy": d.efficacy, "events": [35, 70], "n_trials": 5_000, "seed": 5}
    with_futility = operating_characteristics(eso_rt(0.6), futility=d.futility, **common)
    without = operating_characteristics(eso_rt(0.6), **common)
    null = operating_characteristics(eso_rt(1.0), futility=d.futility, **common)
    assert with_futility.stop_futility[0] > 0
    assert with_futility.reject_rate <= without.reject_rate
    assert null.stop_futility[0] > 0.3  # under H0 most trials stop early for futility
    assert null.expected_events < 60
    assert null.reject_rate < 0.10 + 4 * mc_se(0.10, 5_000)


def test_progress_is_reported_and_results_are_reproducible() -> None:
    calls: list[tuple[int, int]] = []
    kwargs = {
        "efficacy": [1.96],
        "events": [50],
        "n_trials": 2_500,
        "seed": 42,
        "chunk_size": 1_000,
    }
    first = operating_characteristics(
        eso_rt(0.7), progress=lambda d, t: calls.append((d, t)), **kwargs
    )
    assert calls == [(1_000, 2_500), (2_000, 2_500), (2_500, 2_500)]
    assert operating_characteristics(eso_rt(0.7), **kwargs) == first


def test_cut_at_the_dth_event_keeps_exactly_d_events() -> None:
    rng = np.random.default_rng(1)
    trials = simulate_trials(eso_rt(0.6), 500, rng)
    cutoff = event_driven_cutoff(trials, 70)
    data = cut(trials, cutoff)
    assert np.all(data.events == 70)
    assert np.all(data.time[data.included] >= 0)
    assert np.all(data.time <= np.maximum(cutoff[:, None] - trials.entry, 0) + 1e-12)
    assert np.all(data.enrolled == (trials.entry < cutoff[:, None]).sum(axis=1))
    assert trials.experimental.sum() == 60


def test_plot_writes_a_png(tmp_path) -> None:
    d = design(2, 0.10, "ld_obrien_fleming", beta=0.2, futility="ld_obrien_fleming")
    results = [
        operating_characteristics(
            eso_rt(hr),
            efficacy=d.efficacy,
            futility=d.futility,
            events=[35, 70],
            n_trials=500,
            seed=1,
        )
        for hr in (1.0, 0.6)
    ]
    path = tmp_path / "oc.png"
    fig = plot_operating_characteristics(results, path, title="ESO-RT, 120 patients")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(fig.axes) == 3


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"efficacy": [2.0]}, "events"),
        ({"efficacy": [2.0], "events": [10], "times": [12.0]}, "events"),
        ({"efficacy": [2.0], "events": [200]}, "events"),
        ({"efficacy": [2.0, 2.0], "events": [40, 30]}, "events"),
        ({"efficacy": [2.0], "times": [-1.0]}, "times"),
        ({"efficacy": [2.0, 2.0], "events": [70]}, "efficacy"),
        ({"efficacy": [2.0], "events": [70], "futility": [0.0, 1.0]}, "futility"),
        ({"efficacy": [2.0], "events": [70], "futility": [0.0], "sided": 2}, "futility"),
        ({"efficacy": [2.0], "events": [70], "sided": 0}, "sided"),
        ({"efficacy": [2.0], "events": [70], "n_trials": 0}, "n_trials"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs: dict, argument: str) -> None:
    with pytest.raises(ValueError, match=argument):
        operating_characteristics(eso_rt(0.6), **kwargs)


@pytest.mark.parametrize(
    ("changes", "argument"),
    [
        ({"n_patients": 1}, "n_patients"),
        ({"median_control": 0.0}, "median_control"),
        ({"hazard_ratio": -1.0}, "hazard_ratio"),
        ({"dropout_hazard": -0.1}, "dropout_hazard"),
        ({"accrual_time": float("inf")}, "accrual_time"),
        ({"ratio": 1000.0}, "ratio"),
    ],
)
def test_bad_scenarios_name_the_field(changes: dict, argument: str) -> None:
    fields = {"n_patients": 120, "accrual_time": 18.0, "median_control": 12.0, "hazard_ratio": 0.6}
    with pytest.raises(ValueError, match=argument):
        SurvivalScenario(**{**fields, **changes})
