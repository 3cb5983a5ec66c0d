"""Kaplan-Meier curves, pointwise intervals and landmarks (analysis.km) against R survival.

The expected numbers are R survival's own saved outputs (therneau/survival,
tests/*.Rout.save), printouts quoted in domain/statistics-and-standards.md and
in the PSIAIMS CAMIS R-versus-SAS comparison; each test names its source.
Values R prints with 4 or fewer significant digits must be reproduced at the
printed precision; longer ones to 4 significant digits.

lifelines' lung codes status 0/1 (R: 1 = censored, 2 = dead) and has one
missing ph.ecog, which R's survfit deletes (statistics notes section 1.2).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lifelines import KaplanMeierFitter
from lifelines.datasets import load_lung
from scipy import stats

from oncotrial.analysis.survival import kaplan_meier

LUNG = load_lung()
BY_ECOG = {int(k): g for k, g in LUNG.dropna(subset=["ph.ecog"]).groupby("ph.ecog")}


def assert_printed(value: float, printed: str) -> None:
    """`value` reproduces an R printout: at its precision, or to 4 significant digits."""
    if printed == "NA":
        assert math.isnan(value), f"{value} != NA"
        return
    reference = float(printed)
    digits = printed.lstrip("-").replace(".", "").lstrip("0")
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    if reference != 0 and len(digits) > 4:
        unit = 10.0 ** (math.floor(math.log10(abs(reference))) - 3)
    else:
        unit = 10.0**-decimals
    assert abs(value - reference) <= unit / 2 + 1e-12, f"{value} != {printed}"


# summary(survfit(Surv(time, status) ~ ph.ecog, lung), times=c(30*1:11, 365*1:3)):
# time n.risk survival std.err lower 95% CI upper 95% CI
# Source: therneau/survival tests/cancer.Rout.save (commit 14b5ca39)
SUMMARY_ROWS = [
    (0, 30, 60, "0.952", "0.0268", "0.9012", "1.000"),
    (0, 150, 55, "0.873", "0.0419", "0.7946", "0.959"),
    (0, 365, 22, "0.535", "0.0728", "0.4100", "0.699"),
    (0, 730, 5, "0.193", "0.0707", "0.0943", "0.396"),
    (1, 180, 82, "0.751", "0.0407", "0.6756", "0.836"),
    (1, 365, 34, "0.431", "0.0509", "0.3417", "0.543"),
    (1, 730, 7, "0.114", "0.0388", "0.0582", "0.222"),
    (2, 30, 46, "0.9000", "0.0424", "0.82057", "0.987"),
    (2, 210, 21, "0.4431", "0.0717", "0.32266", "0.608"),
    (2, 270, 17, "0.3766", "0.0705", "0.26100", "0.543"),
    (2, 730, 1, "0.0371", "0.0345", "0.00601", "0.229"),
    (3, 90, 1, "1", "0", "1", "1"),
]


@pytest.mark.parametrize(("ecog", "t", "n_risk", "surv", "se", "lower", "upper"), SUMMARY_ROWS)
def test_landmark_survival_matches_r_summary(
    ecog: int, t: float, n_risk: int, surv: str, se: str, lower: str, upper: str
) -> None:
    group = BY_ECOG[ecog]
    at = kaplan_meier(group["time"], group["status"]).survival_at(t)
    assert at.n_risk == n_risk
    assert_printed(at.survival, surv)
    assert_printed(at.std_err, se)
    assert_printed(at.lower, lower)
    assert_printed(at.upper, upper)


def test_default_interval_is_r_log_not_lifelines_log_log() -> None:
    # Lung at 364 days. R survfit default (log): (0.3447, 0.4858); lifelines: (0.3387, 0.4784).
    # Source: domain/statistics-and-standards.md section 2.2.
    fit = kaplan_meier(LUNG["time"], LUNG["status"])
    at = fit.survival_at(364)
    assert_printed(at.lower, "0.3447")
    assert_printed(at.upper, "0.4858")
    kmf = KaplanMeierFitter().fit(LUNG["time"], LUNG["status"])
    band = kmf.confidence_interval_.loc[:364].iloc[-1]
    assert_printed(float(band.iloc[0]), "0.3387")
    assert_printed(float(band.iloc[1]), "0.4784")
    loglog = kaplan_meier(LUNG["time"], LUNG["status"], conf_type="log-log").survival_at(364)
    assert_printed(loglog.lower, "0.3387")
    assert_printed(loglog.upper, "0.4784")


def test_log_log_interval_matches_r_after_the_last_event() -> None:
    # survfit(Surv(time, status) ~ 1, conf.type = "log-log"), 5 events then 5 censored:
    # R: S(120) = 0.5 (0.184, 0.753), carried beyond the last (censored) time 118.
    # Source: PSIAIMS/CAMIS Comp/r-sas_survival.qmd ("Other cases where discrepancies...").
    time = [54, 75, 77, 84, 87, 92, 103, 105, 112, 118]
    event = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]
    at = kaplan_meier(time, event, conf_type="log-log").survival_at(120)
    assert at.survival == 0.5
    assert at.n_risk == 0
    assert_printed(at.lower, "0.184")
    assert_printed(at.upper, "0.753")


def test_log_log_and_plain_agree_with_independent_implementations() -> None:
    # No R printout of these bands on lung was found; two independent implementations
    # are the check: lifelines' exponential Greenwood band (= log-log) and scipy's ecdf
    # ("log-log" and "linear" = R's "plain"); see statistics notes section 2.2.
    t, e = LUNG["time"].to_numpy(), LUNG["status"].to_numpy()
    loglog = kaplan_meier(t, e, conf_type="log-log", conf_level=0.9)
    kmf = KaplanMeierFitter(alpha=0.1).fit(t, e)
    band = kmf.confidence_interval_.loc[loglog.time]
    inside = (loglog.survival > 0) & (loglog.survival < 1)
    np.testing.assert_allclose(loglog.lower[inside], band.iloc[:, 0][inside], rtol=1e-9)
    np.testing.assert_allclose(loglog.upper[inside], band.iloc[:, 1][inside], rtol=1e-9)
    sf = stats.ecdf(stats.CensoredData.right_censored(t, e == 0)).sf
    for conf_type, method in (("log-log", "log-log"), ("plain", "linear")):
        ours = kaplan_meier(t, e, conf_type=conf_type)
        ci = sf.confidence_interval(0.95, method=method)
        lower = ci.low.evaluate(ours.time)
        upper = ci.high.evaluate(ours.time)
        ok = ~np.isnan(ours.lower) & ~np.isnan(lower) & (ours.survival < 1)
        np.testing.assert_allclose(ours.lower[ok], lower[ok], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(ours.upper[ok], upper[ok], rtol=1e-9, atol=1e-12)


def test_greenwood_and_log_log_by_hand() -> None:
    # Hand derivation, times 1..5 with 3 censored: n = 5, 4, (3 censored), 2, 1.
    # S(1) = 4/5, S(2) = 3/5, S(4) = 3/10; Greenwood sum at 4 = 1/20 + 1/12 + 1/2 = 19/30.
    fit = kaplan_meier([1, 2, 3, 4, 5], [1, 1, 0, 1, 0], conf_type="log-log")
    assert fit.survival.tolist() == pytest.approx([0.8, 0.6, 0.6, 0.3, 0.3])
    assert fit.std_err[3] ** 2 == pytest.approx(19 / 30)
    assert fit.greenwood[3] == pytest.approx(0.09 * 19 / 30)
    z = stats.norm.ppf(0.975)
    shift = z * math.sqrt(19 / 30) / math.log(0.3)
    assert fit.lower[3] == pytest.approx(math.exp(-math.exp(math.log(-math.log(0.3)) - shift)))
    assert fit.upper[3] == pytest.approx(math.exp(-math.exp(math.log(-math.log(0.3)) + shift)))


def test_survival_table_lists_every_observed_time() -> None:
    fit = kaplan_meier(BY_ECOG[3]["time"], BY_ECOG[3]["status"])
    table = kaplan_meier(LUNG["time"], LUNG["status"]).table()
    assert fit.n == 1 and fit.events == 1
    assert table["n_risk"].iloc[0] == 228
    assert table["n_event"].sum() == 165
    assert (table["n_event"] + table["n_censor"]).sum() == 228
    assert list(table.columns[-2:]) == ["lower_95%", "upper_95%"]


@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.booleans()),
        min_size=1,
        max_size=40,
    )
)
@settings(max_examples=60, deadline=None)
def test_curve_is_monotone_and_inside_its_band(data: list[tuple[int, bool]]) -> None:
    time = [t for t, _ in data]
    event = [e for _, e in data]
    for conf_type in ("log", "log-log", "plain"):
        fit = kaplan_meier(time, event, conf_type=conf_type)
        assert np.all(np.diff(fit.survival) <= 1e-15)
        ok = ~np.isnan(fit.lower)
        assert np.all(fit.lower[ok] <= fit.survival[ok] + 1e-12)
        assert np.all(fit.upper[ok] >= fit.survival[ok] - 1e-12)
        assert np.all((fit.lower[ok] >= 0) & (fit.upper[ok] <= 1 + 1e-12))


@pytest.mark.parametrize(
    ("time", "event", "message"),
    [
        ([1, -2], [1, 1], "time: times must be >= 0"),
        ([1, float("nan")], [1, 1], "time: 1 missing value"),
        ([1, 2], [1, 2], "event: must be coded 0 = censored, 1 = event"),
        ([1, 2], [1], "event: must have one value per time"),
        ([], [], "time: at least one observation"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(
    time: list[float], event: list[int], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        kaplan_meier(time, event)


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValueError, match="conf_type must be one of log, log-log, plain"):
        kaplan_meier([1, 2], [1, 0], conf_type="arcsin")
    with pytest.raises(ValueError, match="conf_level must lie strictly between 0 and 1"):
        kaplan_meier([1, 2], [1, 0], conf_level=95)
    with pytest.raises(ValueError, match="t must be a finite time >= 0"):
        kaplan_meier([1, 2], [1, 0]).survival_at(-1)
