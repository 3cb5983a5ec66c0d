"""Cox proportional-hazards regression reported the way R's summary(coxph) reports it.

This module owns the fitted model object: coefficients, standard errors,
hazard ratios with confidence intervals, the log partial likelihood, the
likelihood-ratio, Wald and score (log-rank) tests, Harrell's concordance and
the proportional-hazards test.

What comes from where:

- ``ties="efron"`` (R's default): lifelines ``CoxPHFitter`` fits the
  coefficients and their variance, with tighter convergence tolerances: with
  lifelines' defaults a stratified fit can stop about 1e-4 (relative) short of
  the maximum, which shows in R's 4th printed digit; with these it agrees with
  R to the 7 digits R prints;
- ``ties="breslow"`` (SAS's and Stata's default): fitted here by
  Newton-Raphson on Breslow's partial likelihood
  (:mod:`oncotrial.analysis.partial_likelihood`), because lifelines has no
  Breslow option;
- the score test at beta = 0 and the proportional-hazards test
  (:mod:`oncotrial.analysis.zph`, R >= 3.0's cox.zph) use the partial
  likelihood pieces computed here for either tie method;
- concordance: lifelines' ``concordance_index`` (R's definition: ties in the
  predictor count 1/2, pairs tied on an event time are not comparable); with
  strata, pairs are compared within a stratum only and pooled, as R does.

Factors are not expanded: pass numeric columns (code a factor as indicator
columns). Rows with a missing value in a used column are refused with the
count, never dropped silently.

Sources: R survival ``coxph`` / ``summary.coxph`` / ``concordance``
(therneau/survival); Therneau & Grambsch, Modeling Survival Data (2000).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from lifelines import CoxPHFitter
from lifelines.exceptions import ConvergenceError
from lifelines.utils import concordance_index
from scipy import stats

from oncotrial.analysis.confint import z_value
from oncotrial.analysis.inputs import event_array
from oncotrial.analysis.partial_likelihood import (
    TIES,
    CoxData,
    evaluate,
    newton_raphson,
    prepare,
    score_statistic,
)
from oncotrial.analysis.zph import TRANSFORMS, ph_test, time_transform


@dataclass(frozen=True)
class ChiSquareTest:
    """A chi-square test statistic with its degrees of freedom and p-value."""

    statistic: float
    df: int
    p_value: float


@dataclass(frozen=True)
class CoxResult:
    """A fitted Cox model; build it with :func:`cox`. Series are indexed by covariate."""

    coef: pd.Series
    se: pd.Series
    variance: pd.DataFrame
    loglik: float  # log partial likelihood at the estimate
    loglik_null: float  # ... at beta = 0
    lr_test: ChiSquareTest
    wald_test: ChiSquareTest
    score_test: ChiSquareTest
    concordance: float
    n: int
    n_events: int
    ties: str
    conf_level: float
    _data: CoxData = field(repr=False)
    _time: np.ndarray = field(repr=False)
    _event: np.ndarray = field(repr=False)

    @property
    def hr(self) -> pd.Series:
        """Hazard ratios exp(coef)."""
        return np.exp(self.coef).rename("hr")

    @property
    def hr_ci(self) -> pd.DataFrame:
        """Wald confidence limits of the hazard ratios, exp(coef -/+ z se)."""
        z = z_value(self.conf_level)
        return pd.DataFrame(
            {"lower": np.exp(self.coef - z * self.se), "upper": np.exp(self.coef + z * self.se)}
        )

    def summary(self) -> pd.DataFrame:
        """R's summary(coxph) coefficient table: coef, HR, se, z, p and HR limits."""
        z = self.coef / self.se
        return pd.DataFrame(
            {
                "coef": self.coef,
                "hr": self.hr,
                "se": self.se,
                "z": z,
                "p": 2.0 * stats.norm.sf(np.abs(z)),
                "hr_lower": self.hr_ci["lower"],
                "hr_upper": self.hr_ci["upper"],
            }
        )

    def ph_test(self, transform: str = "km") -> pd.DataFrame:
        """Proportional-hazards score test per covariate and GLOBAL, as R >= 3.0 cox.zph.

        Columns chisq, df, p; `transform` is ``"km"`` (R's default),
        ``"rank"``, ``"identity"`` or ``"log"``.
        """
        if transform not in TRANSFORMS:
            raise ValueError(f"transform must be one of {', '.join(TRANSFORMS)}; got {transform!r}")
        at_fit = evaluate(self._data, self.coef.to_numpy())
        g = time_transform(transform, at_fit.event_time, self._time, self._event)
        return ph_test(at_fit, g, list(self.coef.index))


def cox(
    df: pd.DataFrame,
    duration_col: str,
    event_col: str,
    covariates: Sequence[str],
    ties: str = "efron",
    strata: str | Sequence[str] | None = None,
    conf_level: float = 0.95,
) -> CoxResult:
    """Fit a Cox model, as R's ``coxph(Surv(duration, event) ~ covariates + strata(...))``.

    `ties` is ``"efron"`` (R's default) or ``"breslow"``; `strata` names one or
    more columns whose combinations get their own baseline hazard.
    """
    if ties not in TIES:
        raise ValueError(f"ties must be one of {', '.join(TIES)}; got {ties!r}")
    z_value(conf_level)
    covs = list(covariates)
    strata_cols = [strata] if isinstance(strata, str) else list(strata or [])
    frame = _checked_frame(df, duration_col, event_col, covs, strata_cols)
    time = frame[duration_col].to_numpy(dtype=float)
    event = event_array(frame[event_col].to_numpy(), event_col)
    x = frame[covs].to_numpy(dtype=float)
    stratum = _stratum_codes(frame, strata_cols)
    data = prepare(x, time, event, stratum, ties)
    null = evaluate(data, np.zeros(len(covs)))
    if ties == "efron":
        beta, variance, loglik = _lifelines_efron(frame, duration_col, event_col, covs, strata_cols)
    else:
        solved = newton_raphson(data)
        beta, variance, loglik = solved.beta, solved.variance, solved.loglik
    p = len(covs)
    index = pd.Index(covs, name="covariate")
    lr = 2.0 * (loglik - null.loglik)
    wald = float(beta @ np.linalg.solve(variance, beta))
    score = score_statistic(null)
    return CoxResult(
        coef=pd.Series(beta, index=index, name="coef"),
        se=pd.Series(np.sqrt(np.diag(variance)), index=index, name="se"),
        variance=pd.DataFrame(variance, index=index, columns=index),
        loglik=float(loglik),
        loglik_null=null.loglik,
        lr_test=_chisq(lr, p),
        wald_test=_chisq(wald, p),
        score_test=_chisq(score, p),
        concordance=_concordance(time, event, x @ beta, stratum),
        n=int(time.size),
        n_events=int(event.sum()),
        ties=ties,
        conf_level=conf_level,
        _data=data,
        _time=time,
        _event=event,
    )


def _checked_frame(
    df: pd.DataFrame, duration: str, event: str, covs: list[str], strata: list[str]
) -> pd.DataFrame:
    if not covs:
        raise ValueError("covariates: at least one covariate is needed")
    used = [duration, event, *covs, *strata]
    missing_cols = [c for c in used if c not in df.columns]
    if missing_cols:
        raise ValueError(f"df: no column(s) named {', '.join(map(repr, missing_cols))}")
    if len(set(used)) != len(used):
        raise ValueError(f"columns: each column may be used once; got {used}")
    frame = df[used]
    for col in used:
        n_missing = int(frame[col].isna().sum())
        if n_missing:
            raise ValueError(f"{col}: {n_missing} missing value(s); remove or impute them first")
    for col in [duration, *covs]:
        if not pd.api.types.is_numeric_dtype(frame[col]):
            raise ValueError(f"{col}: must be numeric; code a factor as 0/1 indicator columns")
    for col in covs:
        if frame[col].nunique() < 2:
            raise ValueError(f"{col}: is constant, so it carries no information for the model")
    if (frame[duration] < 0).any():
        raise ValueError(f"{duration}: times must be >= 0")
    return frame.reset_index(drop=True)


def _stratum_codes(frame: pd.DataFrame, strata: list[str]) -> np.ndarray:
    if not strata:
        return np.zeros(len(frame), dtype=np.intp)
    codes = frame.groupby(strata, sort=True).ngroup()
    return codes.to_numpy(dtype=np.intp)


def _lifelines_efron(
    frame: pd.DataFrame, duration: str, event: str, covs: list[str], strata: list[str]
) -> tuple[np.ndarray, np.ndarray, float]:
    data = frame.astype({c: float for c in covs})
    data[event] = event_array(frame[event].to_numpy(), event).astype(int)
    fitter = CoxPHFitter()
    # lifelines' default tolerances (precision 1e-7, r_precision 1e-9 on its damped
    # Newton steps) can stop about 1e-4 (relative) short of the maximum, which shows in
    # R's 4th printed digit; these tighter ones reach it to about 1e-9.
    try:
        fitter.fit(
            data,
            duration_col=duration,
            event_col=event,
            strata=strata or None,
            fit_options={"precision": 1e-12, "r_precision": 1e-14},
        )
    except ConvergenceError as exc:
        raise ValueError(
            "covariates: the model did not converge; a covariate is constant, collinear "
            f"with others, or perfectly separates events ({exc})"
        ) from exc
    beta = fitter.params_.loc[covs].to_numpy(dtype=float)
    variance = fitter.variance_matrix_.loc[covs, covs].to_numpy(dtype=float)
    return beta, variance, float(fitter.log_likelihood_)


def _chisq(statistic: float, df: int) -> ChiSquareTest:
    return ChiSquareTest(float(statistic), df, float(stats.chi2.sf(statistic, df)))


def _concordance(time: np.ndarray, event: np.ndarray, lp: np.ndarray, stratum: np.ndarray) -> float:
    """Harrell's C for risk score lp, pairs compared within strata, pooled by pair count."""
    total_pairs = 0.0
    weighted = 0.0
    for s in np.unique(stratum):
        rows = stratum == s
        pairs = _comparable_pairs(time[rows], event[rows])
        if pairs == 0:
            continue
        weighted += pairs * concordance_index(time[rows], -lp[rows], event[rows])
        total_pairs += pairs
    return float(weighted / total_pairs) if total_pairs else math.nan


def _comparable_pairs(time: np.ndarray, event: np.ndarray) -> int:
    """Pairs (i, j) with i an event and j observed longer (or censored at i's time)."""
    order = np.sort(time)
    later = time.size - np.searchsorted(order, time[event], side="right")
    censored = np.sort(time[~event])
    tied_censored = np.searchsorted(censored, time[event], side="right") - np.searchsorted(
        censored, time[event], side="left"
    )
    return int(later.sum() + tied_censored.sum())
