"""Restricted mean survival time and its standard error (analysis.rmst) against R.

R's print(survfit, rmean=tau) and survRM2 use Klein & Moeschberger's variance
(eq. 4.4.4); lifelines' return_variance gives the variance of min(T, tau)
instead, so its "standard error" is an order of magnitude too large.
"""

from __future__ import annotations

import math

import pytest
from lifelines import KaplanMeierFitter
from lifelines.datasets import load_lung, load_waltons
from lifelines.utils import restricted_mean_survival_time

from oncotrial.analysis.survival import kaplan_meier

LUNG = load_lung()
BY_ECOG = {int(k): g for k, g in LUNG.dropna(subset=["ph.ecog"]).groupby("ph.ecog")}


def assert_printed(value: float, printed: str) -> None:
    """`value` reproduces an R printout at the printed precision."""
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    assert abs(value - float(printed)) <= 0.5 * 10.0**-decimals + 1e-12, f"{value} != {printed}"


# print(survfit(Surv(time, status) ~ ph.ecog, data=lung), rmean=730): rmean*, se(rmean)
# Source: therneau/survival tests/Examples/survival-Ex.Rout.save (example "pseudo").
RMEAN_730 = {0: ("429", "32.2"), 1: ("366", "22.4"), 2: ("256", "30.0"), 3: ("118", "0.0")}


@pytest.mark.parametrize(("ecog", "expected"), RMEAN_730.items())
def test_rmean_and_its_se_match_print_survfit(ecog: int, expected: tuple[str, str]) -> None:
    group = BY_ECOG[ecog]
    result = kaplan_meier(group["time"], group["status"]).rmst(730)
    assert_printed(result.estimate, expected[0])
    assert_printed(result.std_err, expected[1])


def test_waltons_mir137_matches_survrm2() -> None:
    # survRM2::rmst2 on waltons, group miR-137, tau = 10: RMST 9.794, se 0.123.
    # Source: domain/statistics-and-standards.md section 2.4.
    waltons = load_waltons()
    group = waltons[waltons["group"] == "miR-137"]
    result = kaplan_meier(group["T"], group["E"]).rmst(10)
    assert_printed(result.estimate, "9.794")
    assert_printed(result.std_err, "0.123")


@pytest.mark.filterwarnings("ignore::scipy.integrate.IntegrationWarning")
def test_standard_error_is_not_lifelines_variance_of_min_t_tau() -> None:
    # Lung, tau = 1022: the standard error is 19.71; lifelines' return_variance
    # implies 265.2. Source: domain/statistics-and-standards.md section 2.4.
    result = kaplan_meier(LUNG["time"], LUNG["status"]).rmst(1022)
    assert_printed(result.std_err, "19.71")
    kmf = KaplanMeierFitter().fit(LUNG["time"], LUNG["status"])
    estimate, variance = restricted_mean_survival_time(kmf, t=1022, return_variance=True)
    assert_printed(math.sqrt(variance), "265.2")
    assert result.estimate == pytest.approx(estimate, rel=1e-12)
    z = 1.959963984540054
    assert result.lower == pytest.approx(result.estimate - z * result.std_err)


def test_rmst_and_variance_by_hand() -> None:
    # Hand derivation: events at 2, 4, 6 (n = 3, 2, 1), tau = 5. S = 1, 2/3, 1/3 on
    # [0,2), [2,4), [4,5]: area = 2 + 4/3 + 1/3 = 11/3. A(2) = 5/3, A(4) = 1/3;
    # variance = (5/3)^2 / (3 * 2) + (1/3)^2 / (2 * 1) = 14/27.
    result = kaplan_meier([2, 4, 6], [1, 1, 1]).rmst(5)
    assert result.estimate == pytest.approx(11 / 3)
    assert result.std_err**2 == pytest.approx(14 / 27)


def test_curve_is_carried_to_a_horizon_beyond_follow_up() -> None:
    # Hand derivation: events at 2 and 4, censored at 6; S = 1/3 from 4 on, carried to 8:
    # area = 2 + 2 * 2/3 + 4 * 1/3 = 14/3.
    assert kaplan_meier([2, 4, 6], [1, 1, 0]).rmst(8).estimate == pytest.approx(14 / 3)


def test_horizon_must_be_positive() -> None:
    with pytest.raises(ValueError, match="tau must be a positive, finite time"):
        kaplan_meier([2, 4, 6], [1, 1, 0]).rmst(0)
