"""The k-sample log-rank test and its G-rho weighted family, stratified or not, as R's survdiff.

This module owns the comparison of survival between groups:

- at each distinct event time within a stratum, with n at risk and d events,
  group g contributes observed w d_g and expected w d n_g / n, and the
  variance matrix gains w^2 d (n - d) / (n - 1) (n_g / n)(delta_gh - n_h / n);
- the weight is w = S(t-)^rho, S the Kaplan-Meier curve of the stratum's
  pooled data just before t (Harrington & Fleming 1982): rho = 0 is the
  log-rank test, rho = 1 the Peto & Peto modification of the Gehan-Wilcoxon
  test; "observed" and "expected" are the weighted sums, as R prints them;
- strata are summed: each stratum has its own risk sets and its own weights;
- chisq = (O - E)' V^- (O - E) over the groups with expected > 0, one group
  dropped, on (number of such groups - 1) degrees of freedom.

Written by hand (about 40 lines of numpy) because lifelines'
``multivariate_logrank_test`` has no strata and its weightings are not R's
rho family on the stratum's own curve.

Source: R survival ``survdiff`` and ``survdiff2.c`` (therneau/survival);
Harrington & Fleming, Biometrika 69:553 (1982).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from oncotrial.analysis.inputs import ArrayLike, labels_array, survival_arrays

WEIGHT_NAMES = {"logrank": 0.0, "peto-peto": 1.0}


@dataclass(frozen=True)
class LogrankResult:
    """Result of :func:`logrank`; group-indexed series follow the sorted group labels."""

    chisq: float
    df: int
    p_value: float
    observed: pd.Series
    expected: pd.Series
    variance: pd.DataFrame
    n: pd.Series
    rho: float

    def table(self) -> pd.DataFrame:
        """R's survdiff printout: N, Observed, Expected, (O-E)^2/E, (O-E)^2/V per group."""
        diff = self.observed - self.expected
        with np.errstate(divide="ignore", invalid="ignore"):
            return pd.DataFrame(
                {
                    "n": self.n,
                    "observed": self.observed,
                    "expected": self.expected,
                    "(O-E)^2/E": diff**2 / self.expected,
                    "(O-E)^2/V": diff**2 / np.diag(self.variance.to_numpy()),
                }
            )


def logrank(
    time: ArrayLike,
    event: ArrayLike,
    group: ArrayLike,
    strata: ArrayLike | None = None,
    weights: str | float | None = None,
) -> LogrankResult:
    """Compare survival between groups, as R's ``survdiff(Surv(time, event) ~ group)``.

    `strata` gives one label per observation (R's ``+ strata(x)``). `weights`
    is None or ``"logrank"`` (rho = 0), ``"peto-peto"`` (rho = 1), or a number
    rho >= 0 (R's ``survdiff(rho=)``, the Fleming-Harrington G-rho weights).
    """
    t, e = survival_arrays(time, event)
    g = labels_array(group, "group", t.size)
    s = labels_array(strata, "strata", t.size) if strata is not None else np.zeros(t.size)
    rho = _rho(weights)
    labels, gi = np.unique(g, return_inverse=True)
    k = labels.size
    if k < 2:
        raise ValueError(f"group: at least two groups are needed; got {k}")
    observed = np.zeros(k)
    expected = np.zeros(k)
    variance = np.zeros((k, k))
    for stratum in pd.unique(s):
        rows = s == stratum
        o, x, v = _stratum_sums(t[rows], e[rows], gi[rows], k, rho)
        observed += o
        expected += x
        variance += v
    chisq, df = _chisq(observed, expected, variance)
    index = pd.Index(labels, name="group")
    return LogrankResult(
        chisq=chisq,
        df=df,
        p_value=float(stats.chi2.sf(chisq, df)) if df > 0 else float("nan"),
        observed=pd.Series(observed, index=index, name="observed"),
        expected=pd.Series(expected, index=index, name="expected"),
        variance=pd.DataFrame(variance, index=index, columns=index),
        n=pd.Series(np.bincount(gi, minlength=k), index=index, name="n"),
        rho=rho,
    )


def _rho(weights: str | float | None) -> float:
    if weights is None:
        return 0.0
    if isinstance(weights, str):
        if weights not in WEIGHT_NAMES:
            raise ValueError(
                f"weights must be one of {', '.join(WEIGHT_NAMES)} or a number rho >= 0;"
                f" got {weights!r}"
            )
        return WEIGHT_NAMES[weights]
    rho = float(weights)
    if not np.isfinite(rho) or rho < 0:
        raise ValueError(f"weights: rho must be a finite number >= 0; got {weights!r}")
    return rho


def _stratum_sums(
    t: npt.NDArray[np.float64],
    e: npt.NDArray[np.bool_],
    gi: npt.NDArray[np.intp],
    k: int,
    rho: float,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Weighted observed, expected and variance contributions of one stratum."""
    times, ti = np.unique(t, return_inverse=True)
    m = times.size
    # events and exits per (time, group); at risk = those leaving at or after t
    deaths = np.zeros((m, k))
    exits = np.zeros((m, k))
    np.add.at(deaths, (ti, gi), e.astype(float))
    np.add.at(exits, (ti, gi), 1.0)
    at_risk = np.cumsum(exits[::-1], axis=0)[::-1]
    has_event = deaths.sum(axis=1) > 0
    deaths, at_risk = deaths[has_event], at_risk[has_event]
    d = deaths.sum(axis=1)
    n = at_risk.sum(axis=1)
    # S(t-) of the pooled stratum: product over earlier event times of (1 - d/n)
    km_before = np.concatenate(([1.0], np.cumprod(1.0 - d / n)[:-1]))
    w = km_before**rho
    share = at_risk / n[:, None]
    observed = (w[:, None] * deaths).sum(axis=0)
    expected = (w[:, None] * d[:, None] * share).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(n > 1, w**2 * d * (n - d) / (n - 1), 0.0)
    # sum over times of factor * (diag(share) - share share')
    variance = np.diag((factor[:, None] * share).sum(axis=0)) - np.einsum(
        "t,ti,tj->ij", factor, share, share
    )
    return observed, expected, variance


def _chisq(
    observed: npt.NDArray[np.float64],
    expected: npt.NDArray[np.float64],
    variance: npt.NDArray[np.float64],
) -> tuple[float, int]:
    """R survdiff's statistic: drop groups with nothing expected, then one more group."""
    used = np.flatnonzero(expected > 0)
    if used.size < 2:
        return 0.0, 0
    keep = used[1:]
    diff = (observed - expected)[keep]
    v = variance[np.ix_(keep, keep)]
    try:
        solved = np.linalg.solve(v, diff)
    except np.linalg.LinAlgError:
        solved = np.linalg.pinv(v) @ diff
    return float(diff @ solved), int(used.size - 1)
