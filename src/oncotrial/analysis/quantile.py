"""Quantiles of a survival step curve, and of its confidence band, by R survival's rule.

This module owns the rule R uses in ``quantile.survfit`` and ``print.survfit``
for the median and other quantiles of a Kaplan-Meier curve, written by hand
because no Python library applies it (domain/statistics-and-standards.md,
section 2.3):

- the p-th quantile (p = probability of having had the event, so the median is
  p = 0.5) is the first time the cumulative curve 1 - S reaches p;
- when the curve is flat exactly at 1 - p (within sqrt(machine epsilon)), the
  quantile is the midpoint between the start of the flat and the next drop,
  or the last observed time when the flat runs to the end of follow-up
  (for times 1, 2, 3, 4 all events R's median is 2.5; lifelines says 2 and
  statsmodels 3);
- the confidence interval for a quantile is where the same horizontal line
  meets the pointwise confidence band (Brookmeyer-Crowley test inversion with
  the band's transform): the lower limit from the lower band, the upper limit
  from the upper band. A band that is not monotone is searched the way R's
  ``approx(..., method="constant", f=1)`` does: the point whose value of
  1 - S is the smallest one at or above p.

Source: R survival ``findq`` / ``doquant`` in R/quantile.survfit.R
(therneau/survival); Brookmeyer & Crowley, Biometrics 38:29 (1982).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pandas as pd

TOLERANCE = math.sqrt(np.finfo(float).eps)

FloatArray = npt.NDArray[np.float64]


def curve_quantile(
    times: FloatArray,
    surv: FloatArray,
    p: float,
    start: float = 0.0,
    tol: float = TOLERANCE,
) -> float:
    """Time at which the curve `surv` (defined at `times`) first reaches cumulative level p.

    `surv` may contain NaN (a confidence band where it is undefined); such
    points are ignored. Returns NaN when the curve never reaches the level.
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must lie between 0 and 1; got {p!r}")
    x = np.concatenate(([start], np.asarray(times, dtype=float)))
    y = np.concatenate(([0.0], 1.0 - np.asarray(surv, dtype=float)))
    xmax = float(x[-1])
    if p == 0.0:
        return float(x[0])
    if np.all(np.isnan(y)) or np.nanmax(y) < p:
        return math.nan
    # Censoring times repeat the previous value; keep the first time of each value.
    keep = ~pd.Series(y).duplicated().to_numpy()
    x, y = x[keep], y[keep]
    first = _index_of_smallest_at_or_above(y + tol, p)
    if first is None:
        return math.nan
    last_value = y[-1]
    if not np.isnan(last_value) and abs(p - last_value) < tol:
        # flat at exactly this level until the end of follow-up
        return (float(x[first]) + xmax) / 2.0
    second = _index_of_smallest_at_or_above(y - tol, p)
    if second is None:
        return math.nan
    return (float(x[first]) + float(x[second])) / 2.0


def _index_of_smallest_at_or_above(values: FloatArray, level: float) -> int | None:
    """Index of the smallest value >= level, as R's approx(f=1) picks its right knot."""
    valid = ~np.isnan(values)
    if not valid.any() or level < np.min(values[valid]) or level > np.max(values[valid]):
        return None
    candidates = np.flatnonzero(valid & (values >= level))
    return int(candidates[np.argmin(values[candidates])])
