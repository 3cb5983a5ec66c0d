"""The Kaplan-Meier estimate of one survival curve, reported the way R survival reports it.

This module owns the fitted curve object: the survival table (one row per
distinct observed time, as ``survfit``), Greenwood's variance, pointwise
confidence limits, the median and other quantiles with their confidence
intervals, survival at landmark times and the restricted mean.

What comes from where:

- the risk set and event counts come from lifelines
  (``lifelines.utils.survival_table_from_events``), which agrees with R;
- the product-limit estimate and Greenwood's sum sigma^2 = sum d / (n (n - d))
  (the variance of log S, R's ``std.err``) are two lines of numpy;
- confidence limits use R's transforms, default ``"log"``
  (:mod:`oncotrial.analysis.confint`); lifelines only offers log-log;
- quantiles and their intervals follow R's midpoint rule and band
  intersection (:mod:`oncotrial.analysis.quantile`); lifelines takes the first
  time S <= 0.5 and intersects the log-log band;
- the restricted mean uses the Klein & Moeschberger variance
  (:mod:`oncotrial.analysis.rmst`); lifelines' variance is of another quantity.

Sources: R survival ``survfit``, ``summary.survfit``, ``quantile.survfit``,
``print.survfit`` (therneau/survival); Klein & Moeschberger, Survival Analysis
(2003) chapter 4.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from lifelines.utils import survival_table_from_events

from oncotrial.analysis.confint import check_conf_type, pointwise_limits, z_value
from oncotrial.analysis.inputs import ArrayLike, survival_arrays
from oncotrial.analysis.quantile import curve_quantile
from oncotrial.analysis.rmst import restricted_mean

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class QuantileEstimate:
    """A quantile of the survival distribution with its confidence interval (NaN = not reached)."""

    p: float
    time: float
    lower: float
    upper: float


@dataclass(frozen=True)
class SurvivalAt:
    """The curve at a landmark time, as R's ``summary(fit, times=t, extend=TRUE)``."""

    time: float
    survival: float
    std_err: float  # standard error of S itself (R summary's "std.err")
    lower: float
    upper: float
    n_risk: int


@dataclass(frozen=True)
class RestrictedMean:
    """Restricted mean survival time up to `tau`, its standard error and a Wald interval."""

    tau: float
    estimate: float
    std_err: float
    lower: float
    upper: float
    conf_level: float


@dataclass(frozen=True)
class KaplanMeier:
    """A fitted Kaplan-Meier curve; build it with :func:`kaplan_meier`.

    Arrays hold one entry per distinct observed time (events and censorings),
    ascending, like R's ``survfit`` object.
    """

    time: FloatArray
    n_risk: npt.NDArray[np.int64]
    n_event: npt.NDArray[np.int64]
    n_censor: npt.NDArray[np.int64]
    survival: FloatArray
    std_err: FloatArray  # standard error of log S: sqrt(Greenwood's sum); R's fit$std.err
    lower: FloatArray
    upper: FloatArray
    conf_level: float
    conf_type: str
    n: int

    @property
    def events(self) -> int:
        """Number of events."""
        return int(self.n_event.sum())

    @property
    def greenwood(self) -> FloatArray:
        """Greenwood's variance of S: S^2 sum d / (n (n - d))."""
        with np.errstate(invalid="ignore"):
            return self.survival**2 * self.std_err**2

    def table(self) -> pd.DataFrame:
        """The survival table: one row per distinct time, columns as R's summary.survfit."""
        pct = f"{self.conf_level:.0%}"
        with np.errstate(invalid="ignore"):
            se_surv = self.survival * self.std_err
        return pd.DataFrame(
            {
                "time": self.time,
                "n_risk": self.n_risk,
                "n_event": self.n_event,
                "n_censor": self.n_censor,
                "survival": self.survival,
                "std_err": se_surv,
                f"lower_{pct}": self.lower,
                f"upper_{pct}": self.upper,
            }
        )

    def quantile(self, p: float) -> QuantileEstimate:
        """The time by which a fraction p have had the event (R's ``quantile(fit, p)``).

        p = 0.5 is the median; p = 0.25 is the first quartile of event times,
        where S drops to 0.75.
        """
        return QuantileEstimate(
            p=p,
            time=curve_quantile(self.time, self.survival, p),
            lower=curve_quantile(self.time, self.lower, p),
            upper=curve_quantile(self.time, self.upper, p),
        )

    @property
    def median(self) -> float:
        """Median survival time (R's midpoint rule on a flat at 0.5); NaN if not reached."""
        return self.quantile(0.5).time

    @property
    def median_ci(self) -> tuple[float, float]:
        """Confidence interval of the median, as R's print(survfit) 0.95LCL / 0.95UCL."""
        q = self.quantile(0.5)
        return (q.lower, q.upper)

    def survival_at(self, t: float) -> SurvivalAt:
        """Survival at landmark time `t`: the value at the last observed time <= t.

        Beyond the last observed time the last value is carried forward with
        no one at risk, as R's ``summary(fit, times=t, extend=TRUE)``.
        """
        if not math.isfinite(t) or t < 0:
            raise ValueError(f"t must be a finite time >= 0; got {t!r}")
        i = int(np.searchsorted(self.time, t, side="right")) - 1
        if i < 0:
            return SurvivalAt(t, 1.0, 0.0, *self._limits_at_start(), self.n)
        s = float(self.survival[i])
        with np.errstate(invalid="ignore"):
            se = float(s * self.std_err[i])
        return SurvivalAt(t, s, se, float(self.lower[i]), float(self.upper[i]), self._at_risk(t))

    def rmst(self, tau: float) -> RestrictedMean:
        """Restricted mean survival time up to `tau` (R's ``print(fit, rmean=tau)``)."""
        drops = self.n_event > 0
        area, variance = restricted_mean(
            self.time[drops],
            self.survival[drops],
            self.n_risk[drops].astype(float),
            self.n_event[drops].astype(float),
            tau,
        )
        se = math.sqrt(variance)
        z = z_value(self.conf_level)
        return RestrictedMean(tau, area, se, area - z * se, area + z * se, self.conf_level)

    def _at_risk(self, t: float) -> int:
        # at risk at t: observed time >= t
        later = self.time >= t
        return int((self.n_event[later] + self.n_censor[later]).sum())

    def _limits_at_start(self) -> tuple[float, float]:
        lower, upper = pointwise_limits(
            np.array([1.0]), np.array([0.0]), self.conf_level, self.conf_type
        )
        return float(lower[0]), float(upper[0])


def kaplan_meier(
    time: ArrayLike,
    event: ArrayLike,
    conf_level: float = 0.95,
    conf_type: str = "log",
) -> KaplanMeier:
    """Fit a Kaplan-Meier curve to right-censored data, as R's ``survfit(Surv(time, event) ~ 1)``.

    `event` is 1 (or True) for an event and 0 for a censored time. `conf_type`
    is ``"log"`` (R's default), ``"log-log"`` (SAS's default) or ``"plain"``.
    """
    t, e = survival_arrays(time, event)
    check_conf_type(conf_type)
    z_value(conf_level)
    tab = survival_table_from_events(t, e)
    tab = tab[tab["removed"] > 0]  # lifelines adds a time-0 row with no one leaving
    times = tab.index.to_numpy(dtype=float)
    n_risk = tab["at_risk"].to_numpy(dtype=np.int64)
    n_event = tab["observed"].to_numpy(dtype=np.int64)
    n_censor = tab["censored"].to_numpy(dtype=np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        survival = np.cumprod(1.0 - n_event / n_risk)
        # Greenwood: the variance of log S; infinite once everyone at risk has died
        terms = np.where(
            n_risk > n_event, n_event / (n_risk * (n_risk - n_event).astype(float)), np.inf
        )
        terms = np.where(n_event == 0, 0.0, terms)
        std_err = np.sqrt(np.cumsum(terms))
    lower, upper = pointwise_limits(survival, std_err, conf_level, conf_type)
    return KaplanMeier(
        time=times,
        n_risk=n_risk,
        n_event=n_event,
        n_censor=n_censor,
        survival=survival,
        std_err=std_err,
        lower=lower,
        upper=upper,
        conf_level=conf_level,
        conf_type=conf_type,
        n=int(t.size),
    )
