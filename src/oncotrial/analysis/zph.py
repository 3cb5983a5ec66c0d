"""Proportional-hazards test of a fitted Cox model: the score test of R survival >= 3.0's cox.zph.

This module owns the test of whether each coefficient drifts over time. For a
transform g of time, it is the score test, at (beta-hat, 0), for adding the
time-varying terms g(t) x to the model: with per-event-time Schoenfeld sums
U_t and information I_t,

    U_gamma = sum_t g_t U_t,   I = [[sum I_t, sum g_t I_t], [sum g_t I_t, sum g_t^2 I_t]],

one covariate at a time (1 df each, the other coefficients free) and all
together (GLOBAL, p df). Transforms, as R: ``"km"`` (default) g = 1 - S(t-)
from the Kaplan-Meier curve of all the data pooled over strata; ``"rank"``
(ranks of all observed times, ties averaged); ``"identity"``; ``"log"``.
Under Efron's ties the information uses Efron's weights, as R does.

This is R's test since survival 3.0 (2019). It is not lifelines'
``proportional_hazard_test``, which is the older Grambsch-Therneau
approximation (scaled Schoenfeld residuals with the overall variance,
R < 3.0), so its numbers differ from current R; it is not used here.

Source: R survival R/cox.zph.R and tests/zph.Rout.save (therneau/survival);
Grambsch & Therneau, Biometrika 81:515 (1994).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from oncotrial.analysis.partial_likelihood import PartialLikelihood

TRANSFORMS = ("km", "rank", "identity", "log")

FloatArray = npt.NDArray[np.float64]


def time_transform(
    transform: str,
    event_time: FloatArray,
    all_time: FloatArray,
    all_event: npt.NDArray[np.bool_],
) -> FloatArray:
    """g(t) at each event time, for one of R's transforms."""
    if transform == "identity":
        return event_time.astype(float)
    if transform == "log":
        return np.log(event_time)
    if transform == "rank":
        # rank among all observed times, censored included, ties averaged (R's rank())
        sorted_times = np.sort(all_time)
        below = np.searchsorted(sorted_times, event_time, side="left")
        at_or_below = np.searchsorted(sorted_times, event_time, side="right")
        return (below + at_or_below + 1) / 2.0
    if transform == "km":
        times, idx = np.unique(all_time, return_inverse=True)
        d = np.bincount(idx, weights=all_event.astype(float))
        n = np.cumsum(np.bincount(idx)[::-1])[::-1]
        surv = np.cumprod(1.0 - d / n)
        before = np.searchsorted(times, event_time, side="left")  # S(t-): value before t
        left = np.concatenate(([1.0], surv))[before]
        return 1.0 - left
    raise ValueError(f"transform must be one of {', '.join(TRANSFORMS)}; got {transform!r}")


def ph_test(fit: PartialLikelihood, g: FloatArray, names: list[str]) -> pd.DataFrame:
    """Per-covariate and GLOBAL score tests for adding g(t) x terms, as R's cox.zph table."""
    g = np.asarray(g, dtype=float)
    g = g - g.mean()  # centring changes nothing in the test, it keeps the arithmetic small
    p = len(names)
    u_gamma = (g[:, None] * fit.score_by_time).sum(axis=0)
    i11 = fit.information_by_time.sum(axis=0)
    i12 = (g[:, None, None] * fit.information_by_time).sum(axis=0)
    i22 = (g[:, None, None] ** 2 * fit.information_by_time).sum(axis=0)
    full = np.block([[i11, i12], [i12.T, i22]])
    rows = []
    for j in range(p):
        keep = [*range(p), p + j]
        u = np.zeros(p + 1)
        u[-1] = u_gamma[j]
        rows.append(_score_statistic(full[np.ix_(keep, keep)], u))
    u_all = np.concatenate((np.zeros(p), u_gamma))
    rows.append(_score_statistic(full, u_all))
    chisq = np.array(rows)
    df = np.array([1] * p + [p])
    return pd.DataFrame(
        {"chisq": chisq, "df": df, "p": stats.chi2.sf(chisq, df)},
        index=pd.Index([*names, "GLOBAL"], name="term"),
    )


def _score_statistic(information: FloatArray, u: FloatArray) -> float:
    return float(u @ np.linalg.solve(information, u))
