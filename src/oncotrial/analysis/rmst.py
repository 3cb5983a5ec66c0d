"""Restricted mean survival time (RMST) under a Kaplan-Meier curve, with its variance.

This module owns the area under a survival step curve from time 0 to a
horizon tau and the sampling variance of that area:

    Var = sum over event times t_i <= tau of  A_i^2 d_i / (n_i (n_i - d_i)),
    A_i = integral of S(u) du from t_i to tau,

Klein & Moeschberger (2003) equation 4.4.4, the quantity R's
``print(survfit, rmean=tau)`` reports as se(rmean) and ``survRM2::rmst2`` uses.
A term with n_i = d_i is 0, since the curve is 0 from t_i on (A_i = 0).
When tau lies beyond the last observed time the last value of the curve is
carried forward to tau, as R does.

Written by hand because ``lifelines.utils.restricted_mean_survival_time(...,
return_variance=True)`` returns the variance of min(T, tau), not the sampling
variance of the estimate (lifelines issues #1277, #1456, #1682): on lung at
tau = 1022 it implies 265.2 where the standard error is 19.71.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def restricted_mean(
    event_times: FloatArray,
    surv: FloatArray,
    n_risk: FloatArray,
    n_event: FloatArray,
    tau: float,
) -> tuple[float, float]:
    """(RMST, its variance) up to `tau` for a curve that drops only at `event_times`.

    `surv[i]` is the curve just after `event_times[i]`; the arrays hold one
    entry per distinct event time, ascending.
    """
    if not np.isfinite(tau) or tau <= 0:
        raise ValueError(f"tau must be a positive, finite time; got {tau!r}")
    t = np.asarray(event_times, dtype=float)
    inside = t <= tau
    t, s = t[inside], np.asarray(surv, dtype=float)[inside]
    n, d = np.asarray(n_risk, dtype=float)[inside], np.asarray(n_event, dtype=float)[inside]
    # The curve is 1 on [0, t_1), then s_i on [t_i, t_{i+1}), the last piece ending at tau.
    edges = np.concatenate(([0.0], t, [tau]))
    levels = np.concatenate(([1.0], s))
    pieces = levels * np.diff(edges)
    area = float(pieces.sum())
    # A_i: area from t_i to tau = sum of the pieces after the i-th edge.
    tail = np.cumsum(pieces[::-1])[::-1][1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        weight = np.where(n > d, d / (n * (n - d)), 0.0)
    variance = float(np.sum(tail**2 * weight))
    return area, variance
