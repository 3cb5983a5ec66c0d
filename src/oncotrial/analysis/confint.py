"""Pointwise confidence limits for a survival curve, with R survival's three transforms.

This module owns the interval transforms of R's ``survfit(conf.type=)``:

- ``"log"`` (R's default): S exp(-/+ z se), upper limit capped at 1;
- ``"log-log"`` (SAS PROC LIFETEST's default, lifelines' only band):
  exp(-exp(log(-log S) -/+ z se / log S)), undefined where S is 0 or 1;
- ``"plain"``: S -/+ z se S, clipped to [0, 1].

Here ``se`` is the standard error of log S (for Kaplan-Meier, the square root
of Greenwood's sum), which is what R stores in ``survfit$std.err``. Where the
transform is undefined the limits are NaN, as R's are NA. Written by hand
because lifelines offers only the log-log band (lifelines issues #419, #424)
and scipy's ``ecdf`` has no log band.

Source: R survival ``survfit_confint`` (therneau/survival, R/survfit.R);
Klein & Moeschberger (2003) section 4.3.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import stats

CONF_TYPES = ("log", "log-log", "plain")

FloatArray = npt.NDArray[np.float64]


def z_value(conf_level: float) -> float:
    """Two-sided standard normal quantile for a confidence level in (0, 1)."""
    if not 0.0 < conf_level < 1.0:
        raise ValueError(f"conf_level must lie strictly between 0 and 1; got {conf_level!r}")
    return float(stats.norm.ppf(1.0 - (1.0 - conf_level) / 2.0))


def check_conf_type(conf_type: str) -> str:
    """The transform name, or a ValueError listing the accepted ones."""
    if conf_type not in CONF_TYPES:
        raise ValueError(f"conf_type must be one of {', '.join(CONF_TYPES)}; got {conf_type!r}")
    return conf_type


def pointwise_limits(
    surv: FloatArray, se_log: FloatArray, conf_level: float, conf_type: str
) -> tuple[FloatArray, FloatArray]:
    """Lower and upper limits for survival `surv` whose log has standard error `se_log`."""
    z = z_value(conf_level)
    check_conf_type(conf_type)
    s = np.asarray(surv, dtype=float)
    se = np.asarray(se_log, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if conf_type == "plain":
            half = z * se * s
            lower = np.maximum(s - half, 0.0)
            upper = np.minimum(s + half, 1.0)
        elif conf_type == "log":
            xx = np.where(s == 0.0, np.nan, s)
            lower = np.exp(np.log(xx) - z * se)
            upper = np.minimum(np.exp(np.log(xx) + z * se), 1.0)
        else:
            xx = np.where((s == 0.0) | (s == 1.0), np.nan, s)
            shift = z * se / np.log(xx)
            lower = np.exp(-np.exp(np.log(-np.log(xx)) - shift))
            upper = np.exp(-np.exp(np.log(-np.log(xx)) + shift))
    return lower, upper
