"""The two-sample log-rank test for many trials at once (one trial per row), in numpy.

This module owns the vectorised log-rank statistic that the Monte Carlo
operating characteristics rest on. Each row of the (trials x patients)
arrays is one trial; there is no Python loop over trials. Ties are handled
exactly: at each distinct time with d events among n at risk (n1 of them
experimental) the statistic adds d1 - d n1/n and the hypergeometric variance
d (n1/n)(1 - n1/n)(n - d)/(n - 1). This is the statistic of lifelines'
``logrank_test`` and R's ``survdiff`` (rho = 0); censored times tied with an
event time count as at risk at that time. The test suite checks the
chi-square against lifelines on data with ties.

Patients not yet enrolled at an analysis are left out through `included`.

Sources: Mantel, Cancer Chemother Rep 50:163 (1966); Peto & Peto, JRSS A
135:185 (1972); statistics-and-standards.md section 6.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LogrankResult:
    """Per-trial log-rank results (arrays with one entry per trial).

    `z` is positive when the experimental arm has fewer events than expected
    (it does better): z = (E1 - O1) / sqrt(V). `chi2` = z^2, the statistic
    lifelines reports. `events` counts observed events in the analysis.
    """

    z: np.ndarray
    chi2: np.ndarray
    observed_minus_expected: np.ndarray
    variance: np.ndarray
    events: np.ndarray


def logrank(
    time: np.ndarray,
    event: np.ndarray,
    experimental: np.ndarray,
    included: np.ndarray | None = None,
) -> LogrankResult:
    """Log-rank test of experimental vs control for every row.

    `time` (float), `event` (bool: True = event, False = censored) and
    `experimental` (bool: True = experimental arm) have shape (trials,
    patients) or (patients,); `experimental` may also be a single row shared
    by every trial. `included` (bool, optional) marks the patients that take
    part in each trial's analysis.
    """
    time = np.asarray(time, dtype=float)
    squeeze = time.ndim == 1
    time = np.atleast_2d(time)
    event = np.broadcast_to(np.atleast_2d(np.asarray(event, dtype=bool)), time.shape)
    arm = np.broadcast_to(np.atleast_2d(np.asarray(experimental, dtype=bool)), time.shape)
    if np.isnan(time).any():
        raise ValueError("time must not contain NaN")
    if included is not None:
        mask = np.broadcast_to(np.atleast_2d(np.asarray(included, dtype=bool)), time.shape)
        # Left-out patients sort first with no events, so they are never at risk.
        time = np.where(mask, time, -np.inf)
        event = event & mask
        arm = arm & mask
    m, n = time.shape

    order = np.argsort(time, axis=1, kind="stable")
    t = np.take_along_axis(time, order, axis=1)
    e = np.take_along_axis(event, order, axis=1)
    g = np.take_along_axis(arm, order, axis=1)

    # Each position's tie group: its first index (for at-risk counts) and whether it ends the group.
    columns = np.arange(n, dtype=np.int64)
    starts_group = np.ones((m, n), dtype=bool)
    starts_group[:, 1:] = t[:, 1:] != t[:, :-1]
    first = np.maximum.accumulate(np.where(starts_group, columns, 0), axis=1)
    ends_group = np.ones((m, n), dtype=bool)
    ends_group[:, :-1] = starts_group[:, 1:]

    cum_arm = np.cumsum(g, axis=1, dtype=np.int64)
    cum_events = np.cumsum(e, axis=1, dtype=np.int64)
    cum_events1 = np.cumsum(e & g, axis=1, dtype=np.int64)

    def before_first(cumulative: np.ndarray, values: np.ndarray) -> np.ndarray:
        return np.take_along_axis(cumulative - values, first, axis=1)

    at_risk = (n - first).astype(float)
    at_risk1 = (cum_arm[:, -1:] - before_first(cum_arm, g)).astype(float)
    deaths = (cum_events - before_first(cum_events, e)).astype(float)
    deaths1 = (cum_events1 - before_first(cum_events1, e & g)).astype(float)

    use = ends_group & (deaths > 0)
    share = np.divide(at_risk1, at_risk, out=np.zeros_like(at_risk), where=use)
    o_minus_e = np.where(use, deaths1 - deaths * share, 0.0).sum(axis=1)
    tie_factor = np.divide(
        at_risk - deaths, at_risk - 1.0, out=np.zeros_like(at_risk), where=use & (at_risk > 1)
    )
    variance = np.where(use, deaths * share * (1.0 - share) * tie_factor, 0.0).sum(axis=1)

    safe = variance > 0
    z = np.divide(-o_minus_e, np.sqrt(variance, where=safe, out=np.ones_like(variance)))
    z = np.where(safe, z, 0.0)
    result = LogrankResult(
        z=z,
        chi2=z * z,
        observed_minus_expected=o_minus_e,
        variance=variance,
        events=cum_events[:, -1],
    )
    if squeeze:
        return LogrankResult(*(np.asarray(v[0]) for v in vars(result).values()))
    return result
