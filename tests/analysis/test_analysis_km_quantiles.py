"""Medians and quantiles with their confidence intervals (analysis.quantile) against R survival.

R takes the first time 1 - S reaches p, the midpoint of a flat lying exactly
at that level, and intersects the pointwise band for the interval
(Brookmeyer-Crowley). lifelines takes the first time S <= 0.5 and intersects
the log-log band; these tests pin R's behaviour. Sources are named above
each expected number.
"""

from __future__ import annotations

import math

import pytest
from lifelines import KaplanMeierFitter
from lifelines.datasets import load_lung
from lifelines.utils import median_survival_times

from oncotrial.analysis.quantile import curve_quantile
from oncotrial.analysis.survival import kaplan_meier

LUNG = load_lung()
BY_ECOG = {int(k): g for k, g in LUNG.dropna(subset=["ph.ecog"]).groupby("ph.ecog")}
NA = math.nan


def same(value: float, expected: float) -> bool:
    return (math.isnan(value) and math.isnan(expected)) or value == expected


# survfit(Surv(time, status) ~ ph.ecog, data=lung): median 0.95LCL 0.95UCL
# Source: therneau/survival tests/Examples/survival-Ex.Rout.save (example "Surv";
# the same table again under "pseudo", print(fit2, rmean=730)).
MEDIANS = {0: (394, 348, 574), 1: (306, 268, 429), 2: (199, 156, 288), 3: (118, NA, NA)}


@pytest.mark.parametrize(("ecog", "expected"), MEDIANS.items())
def test_median_and_its_interval_match_print_survfit(
    ecog: int, expected: tuple[float, float, float]
) -> None:
    group = BY_ECOG[ecog]
    fit = kaplan_meier(group["time"], group["status"])
    assert same(fit.median, expected[0])
    assert same(fit.median_ci[0], expected[1])
    assert same(fit.median_ci[1], expected[2])


# quantile(survfit(Surv(time, status) ~ ph.ecog, data=lung)): $quantile, $lower, $upper
# for probs 25, 50, 75. Source: therneau/survival tests/Examples/survival-Ex.Rout.save
# (example "quantile.survfit").
QUARTILES = {
    0: ((285, 394, 655), (189, 348, 558), (350, 574, NA)),
    1: ((181, 306, 550), (156, 268, 460), (223, 429, 689)),
    2: ((105, 199, 351), (61, 156, 285), (163, 288, 654)),
    3: ((118, 118, 118), (NA, NA, NA), (NA, NA, NA)),
}


@pytest.mark.parametrize(("ecog", "expected"), QUARTILES.items())
def test_quartiles_and_intervals_match_quantile_survfit(
    ecog: int, expected: tuple[tuple[float, ...], ...]
) -> None:
    group = BY_ECOG[ecog]
    fit = kaplan_meier(group["time"], group["status"])
    for j, p in enumerate((0.25, 0.5, 0.75)):
        q = fit.quantile(p)
        assert same(q.time, expected[0][j]), (p, q)
        assert same(q.lower, expected[1][j]), (p, q)
        assert same(q.upper, expected[2][j]), (p, q)


def test_median_interval_is_r_not_lifelines() -> None:
    # Lung overall: R 310 (285, 363); lifelines' log-log band gives (284, 361).
    # By sex R gives (212, 310) and (348, 550).
    # Source: domain/statistics-and-standards.md section 2.3.
    fit = kaplan_meier(LUNG["time"], LUNG["status"])
    assert (fit.median, *fit.median_ci) == (310, 285, 363)
    kmf = KaplanMeierFitter().fit(LUNG["time"], LUNG["status"])
    lifelines_ci = median_survival_times(kmf.confidence_interval_).iloc[0].tolist()
    assert lifelines_ci == [284, 361]
    assert kaplan_meier(LUNG["time"], LUNG["status"], conf_type="log-log").median_ci == (
        284,
        361,
    )
    for sex, expected in ((1, (212, 310)), (2, (348, 550))):
        group = LUNG[LUNG["sex"] == sex]
        assert kaplan_meier(group["time"], group["status"]).median_ci == expected


def test_midpoint_rule_on_a_flat_at_one_half() -> None:
    # Times 1, 2, 3, 4, all events: R and SAS give a median of 2.5; lifelines says 2.
    # Source: domain/statistics-and-standards.md section 2.3.
    fit = kaplan_meier([1, 2, 3, 4], [1, 1, 1, 1])
    assert fit.median == 2.5
    kmf = KaplanMeierFitter().fit([1, 2, 3, 4], [1, 1, 1, 1])
    assert kmf.median_survival_time_ == 2


def test_flat_at_one_half_to_the_end_of_follow_up() -> None:
    # 5 events (54..87) then 5 censored (92..118): S = 0.5 from 87 to the last time 118;
    # R's median is (87 + 118) / 2 = 102.5 (SAS reports it as not estimable).
    # Source: PSIAIMS/CAMIS Comp/r-sas_survival.qmd.
    time = [54, 75, 77, 84, 87, 92, 103, 105, 112, 118]
    event = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
    assert kaplan_meier(time, event, conf_type="log-log").median == 102.5


def test_r_quantile_test_cases_with_flats_and_limits() -> None:
    # test1 <- data.frame(time=c(9,3,1,1,6,6,8,10), status=c(1,NA,1,0,1,1,0,0)); the NA row
    # is dropped. qq <- c(13/14, 6/7, 2/3, .5, 9/35, .1); quantile(fit, 1 - qq) gives
    # quantile = c(1, 3.5, 6, 9, 9.5, NA), lower = c(1, 1, 1, 6, 6, 9), upper = all NA.
    # Source: therneau/survival tests/quantile.Rout.save.
    fit = kaplan_meier([9, 1, 1, 6, 6, 8, 10], [1, 1, 0, 1, 1, 0, 0])
    qq = [13 / 14, 6 / 7, 2 / 3, 0.5, 9 / 35, 0.1]
    quantiles = [fit.quantile(1 - q) for q in qq]
    assert [q.time for q in quantiles][:5] == [1, 3.5, 6, 9, 9.5]
    assert math.isnan(quantiles[5].time)
    assert [q.lower for q in quantiles] == [1, 1, 1, 6, 6, 9]
    assert all(math.isnan(q.upper) for q in quantiles)


def test_not_reached_is_nan_and_p_zero_is_the_start() -> None:
    fit = kaplan_meier([5, 6, 7, 8], [0, 1, 0, 0])  # S = 2/3 after 6
    assert math.isnan(fit.median)
    assert curve_quantile(fit.time, fit.survival, 0.0) == 0.0
    with pytest.raises(ValueError, match="p must lie between 0 and 1"):
        fit.quantile(1.5)


def test_non_monotone_band_is_searched_like_r_approx() -> None:
    # A band rising back above the level after dipping below: R's approx(f = 1) picks the
    # point whose 1 - S is the smallest at or above p, here the dip at time 2.
    times = [1.0, 2.0, 3.0, 4.0]
    band = [0.7, 0.45, 0.55, 0.4]
    assert curve_quantile(times, band, 0.5) == 2.0
