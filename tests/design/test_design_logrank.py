"""The vectorised two-sample log-rank test (design.logrank).

References: lifelines ``statistics.logrank_test`` as the slow reference on
random data with ties (statistics-and-standards.md section 6: "keep a slow
reference implementation (lifelines) in tests"); R ``survdiff`` on the lung
data by sex, chi-square 10.3267 (Packt, Machine Learning with R Cookbook,
2nd ed., log-rank recipe; section 1 and sources); Kleinbaum & Klein,
Survival Analysis 3rd ed. (2012), remission data (lifelines ``load_leukemia``),
log-rank 16.79.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from lifelines.datasets import load_leukemia, load_lung
from lifelines.statistics import logrank_test

from oncotrial.design.logrank import logrank


def _lifelines_chi2(time, event, experimental, included) -> np.ndarray:
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in range(time.shape[0]):
            a = included[i] & experimental
            c = included[i] & ~experimental
            result = logrank_test(time[i, a], time[i, c], event[i, a], event[i, c])
            out.append(result.test_statistic)
    return np.array(out)


def test_matches_lifelines_on_random_trials_with_ties() -> None:
    # 200 trials of 60 patients, follow-up in whole months (many ties, censored ties with
    # events), unequal arms and some patients left out of each analysis.
    rng = np.random.default_rng(9)
    trials, n = 200, 60
    time = rng.integers(1, 25, size=(trials, n)).astype(float)
    event = rng.random((trials, n)) < 0.65
    experimental = np.arange(n) < 27
    included = rng.random((trials, n)) < 0.9
    result = logrank(time, event, experimental, included)
    reference = _lifelines_chi2(time, event, experimental, included)
    np.testing.assert_allclose(result.chi2, reference, rtol=0, atol=1e-8)
    assert np.array_equal(result.chi2 >= 3.841458820694124, reference >= 3.841458820694124)
    assert np.array_equal(result.events, (event & included).sum(axis=1))


def test_matches_lifelines_on_continuous_times() -> None:
    rng = np.random.default_rng(10)
    time = rng.exponential(12.0, size=(100, 120))
    event = rng.random((100, 120)) < 0.6
    experimental = rng.random(120) < 0.5
    included = np.ones_like(event)
    result = logrank(time, event, experimental)
    reference = _lifelines_chi2(time, event, experimental, included)
    np.testing.assert_allclose(result.chi2, reference, rtol=0, atol=1e-8)


def test_r_survdiff_lung_by_sex() -> None:
    # R: survdiff(Surv(time, status) ~ sex, lung) gives Chisq = 10.3 (10.3267 in the Packt
    # recipe); lifelines codes status 1 = dead. Women (sex 2) do better: Z > 0.
    lung = load_lung()
    result = logrank(
        lung["time"].to_numpy(), lung["status"].to_numpy() == 1, lung["sex"].to_numpy() == 2
    )
    assert float(result.chi2) == pytest.approx(10.3267, abs=5e-5)
    assert float(result.z) > 0


def test_kleinbaum_klein_remission_data() -> None:
    # Kleinbaum & Klein (2012) chapter 2: log-rank for 6-MP vs placebo = 16.79
    # (lifelines load_leukemia: Rx = 0 is 6-MP, the better arm).
    data = load_leukemia()
    result = logrank(data["t"].to_numpy(), data["status"].to_numpy() == 1, data["Rx"] == 0)
    assert float(result.chi2) == pytest.approx(16.79, abs=5e-3)
    assert float(result.z) > 0


def test_sign_follows_the_experimental_arm() -> None:
    time = np.array([[1.0, 2.0, 3.0, 10.0, 11.0, 12.0]])
    event = np.ones_like(time, dtype=bool)
    later = np.array([False, False, False, True, True, True])  # experimental fails last
    assert logrank(time, event, later).z[0] > 0
    assert logrank(time, event, ~later).z[0] < 0
    assert logrank(time, event, later).z[0] == pytest.approx(-logrank(time, event, ~later).z[0])


def test_no_events_gives_zero() -> None:
    time = np.ones((3, 4))
    result = logrank(time, np.zeros((3, 4), dtype=bool), np.array([True, True, False, False]))
    assert result.z.tolist() == [0.0, 0.0, 0.0]
    assert result.variance.tolist() == [0.0, 0.0, 0.0]


def test_excluded_patients_are_ignored() -> None:
    rng = np.random.default_rng(11)
    time = rng.exponential(1.0, size=(50, 40))
    event = rng.random((50, 40)) < 0.7
    experimental = np.arange(40) % 2 == 0
    included = np.arange(40) < 30
    left_out = logrank(time, event, experimental, np.broadcast_to(included, time.shape))
    cut = logrank(time[:, :30], event[:, :30], experimental[:30])
    np.testing.assert_allclose(left_out.chi2, cut.chi2, rtol=0, atol=1e-12)


def test_nan_time_is_refused() -> None:
    with pytest.raises(ValueError, match="time"):
        logrank(np.array([1.0, np.nan]), np.array([True, True]), np.array([True, False]))
