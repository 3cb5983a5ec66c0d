"""The Cox partial likelihood with Breslow or Efron handling of tied event times, and its fit.

This module owns the log partial likelihood, its score vector and its
information matrix at any coefficient vector, per stratum, for right-censored
data, plus a Newton-Raphson fit. It keeps the per-event-time pieces of the
score and information, which the proportional-hazards test needs.

At an event time with d tied events, risk-set sums S0 = sum r_i, S1 = sum r_i x_i,
S2 = sum r_i x_i x_i' (r = exp(x'beta)) and the same sums A0, A1, A2 over the
d events:

- Breslow: loglik += sum_events x'beta - d log S0; score += sum x - d S1/S0;
  information += d (S2/S0 - S1 S1'/S0^2);
- Efron: the same with d terms l = 0 .. d-1 whose sums are S - (l/d) A.

Covariates are centred on their means first, as R does; the partial
likelihood does not change, the arithmetic is safer. Strata have their own
risk sets.

Written by hand because lifelines fits only Efron's approximation (lifelines
issue #580) and does not expose the score at beta = 0 (the score test) or the
per-time pieces. The Newton-Raphson fit halves the step when the likelihood
falls and stops when the relative change in log likelihood is below 1e-9,
as R's ``coxph.control`` defaults (eps = 1e-9, iter.max = 20).

Sources: Therneau & Grambsch, Modeling Survival Data (2000), chapter 3 and
appendix E; R survival ``coxfit6.c`` / ``agfit4.c`` (therneau/survival).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

TIES = ("efron", "breslow")

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class CoxData:
    """Sorted design: covariates centred, rows ordered by stratum then time."""

    x: FloatArray  # n x p, centred
    time: FloatArray
    event: npt.NDArray[np.bool_]
    stratum: npt.NDArray[np.intp]  # 0 .. k-1
    ties: str


@dataclass(frozen=True)
class PartialLikelihood:
    """Log partial likelihood, score and information at `beta`, with per-event-time pieces."""

    beta: FloatArray
    loglik: float
    score: FloatArray
    information: FloatArray
    event_time: FloatArray  # one entry per distinct event time within a stratum
    event_stratum: npt.NDArray[np.intp]
    score_by_time: FloatArray  # m x p: Schoenfeld residuals summed over the tied events
    information_by_time: FloatArray  # m x p x p


@dataclass(frozen=True)
class CoxFit:
    """Newton-Raphson solution: coefficients, their variance and the log likelihoods."""

    beta: FloatArray
    variance: FloatArray
    loglik: float
    loglik_null: float
    iterations: int
    converged: bool


def prepare(
    x: FloatArray,
    time: FloatArray,
    event: npt.NDArray[np.bool_],
    stratum: npt.NDArray[np.intp],
    ties: str,
) -> CoxData:
    """Centre covariates and sort rows by stratum, then time."""
    if ties not in TIES:
        raise ValueError(f"ties must be one of {', '.join(TIES)}; got {ties!r}")
    order = np.lexsort((time, stratum))
    xc = np.asarray(x, dtype=float)
    xc = xc - xc.mean(axis=0)
    return CoxData(xc[order], time[order], event[order], stratum[order], ties)


def evaluate(data: CoxData, beta: FloatArray) -> PartialLikelihood:
    """Log partial likelihood, score and information at `beta`."""
    p = data.x.shape[1]
    pieces = [
        _stratum_terms(data, np.flatnonzero(data.stratum == s), beta)
        for s in np.unique(data.stratum)
    ]
    pieces = [piece for piece in pieces if piece[1].size]
    if not pieces:
        raise ValueError("event: there are no events, so there is nothing to fit")
    loglik = float(sum(piece[0] for piece in pieces))
    times = np.concatenate([piece[1] for piece in pieces])
    strata = np.concatenate([piece[2] for piece in pieces])
    u = np.concatenate([piece[3] for piece in pieces]).reshape(-1, p)
    imat = np.concatenate([piece[4] for piece in pieces]).reshape(-1, p, p)
    return PartialLikelihood(
        beta=np.asarray(beta, dtype=float),
        loglik=loglik,
        score=u.sum(axis=0),
        information=imat.sum(axis=0),
        event_time=times,
        event_stratum=strata,
        score_by_time=u,
        information_by_time=imat,
    )


def score_statistic(at: PartialLikelihood) -> float:
    """Score (Rao) statistic U' I^-1 U at the point `at` was evaluated; at beta = 0 the
    Cox model's score test, which is the log-rank test when there are no tied times."""
    return float(at.score @ _solve(at.information, at.score))


def newton_raphson(data: CoxData, max_iter: int = 20, eps: float = 1e-9) -> CoxFit:
    """Maximise the partial likelihood from beta = 0, halving steps that lower it."""
    p = data.x.shape[1]
    current = evaluate(data, np.zeros(p))
    loglik_null = current.loglik
    converged = False
    iterations = 0
    while iterations < max_iter and not converged:
        iterations += 1
        step = _solve(current.information, current.score)
        trial = evaluate(data, current.beta + step)
        halvings = 0
        while (not np.isfinite(trial.loglik) or trial.loglik < current.loglik) and halvings < 30:
            step = step / 2.0
            trial = evaluate(data, current.beta + step)
            halvings += 1
        change = abs(1.0 - current.loglik / trial.loglik) if trial.loglik != 0 else 0.0
        current = trial
        converged = change <= eps
    if not converged:
        warnings.warn(
            f"Cox model did not converge in {max_iter} iterations; a coefficient may be infinite",
            RuntimeWarning,
            stacklevel=2,
        )
    return CoxFit(
        beta=current.beta,
        variance=_solve(current.information, np.eye(p)),
        loglik=current.loglik,
        loglik_null=loglik_null,
        iterations=iterations,
        converged=converged,
    )


def _solve(information: FloatArray, rhs: FloatArray) -> FloatArray:
    try:
        return np.linalg.solve(information, rhs)
    except np.linalg.LinAlgError:
        raise ValueError(
            "covariates: the information matrix is singular; a covariate is constant, "
            "collinear with others, or perfectly separates events (infinite coefficient)"
        ) from None


def _stratum_terms(
    data: CoxData, rows: npt.NDArray[np.intp], beta: FloatArray
) -> tuple[float, FloatArray, npt.NDArray[np.intp], FloatArray, FloatArray]:
    """loglik, event times, stratum ids, score and information pieces of one stratum."""
    x = data.x[rows]
    t = data.time[rows]
    ev = data.event[rows].astype(float)
    eta = x @ beta
    shift = eta.max()  # r = exp(eta - shift) avoids overflow; log S0 is shifted back below
    r = np.exp(eta - shift)
    rx = r[:, None] * x
    rxx = rx[:, :, None] * x[:, None, :]
    # risk set at a time = rows with time >= it: reverse cumulative sums, read at first row
    _, first = np.unique(t, return_index=True)
    s0 = np.cumsum(r[::-1])[::-1][first]
    s1 = np.cumsum(rx[::-1], axis=0)[::-1][first]
    s2 = np.cumsum(rxx[::-1], axis=0)[::-1][first]
    d = np.add.reduceat(ev, first)
    a0 = np.add.reduceat(ev * r, first)
    a1 = np.add.reduceat(ev[:, None] * rx, first, axis=0)
    a2 = np.add.reduceat(ev[:, None, None] * rxx, first, axis=0)
    xsum = np.add.reduceat(ev[:, None] * x, first, axis=0)
    etasum = np.add.reduceat(ev * eta, first)
    keep = d > 0
    times = t[first][keep]
    d, s0, s1, s2 = d[keep], s0[keep], s1[keep], s2[keep]
    a0, a1, a2, xsum, etasum = a0[keep], a1[keep], a2[keep], xsum[keep], etasum[keep]
    if data.ties == "breslow":
        mean = s1 / s0[:, None]
        loglik = float(np.sum(etasum - d * (np.log(s0) + shift)))
        u = xsum - d[:, None] * mean
        imat = d[:, None, None] * (s2 / s0[:, None, None] - mean[:, :, None] * mean[:, None, :])
    else:
        # Efron: one term per tied event, l = 0 .. d-1, fractions f = l / d
        counts = d.astype(np.intp)
        owner = np.repeat(np.arange(d.size), counts)
        f = (np.arange(owner.size) - np.repeat(np.cumsum(counts) - counts, counts)) / d[owner]
        e0 = s0[owner] - f * a0[owner]
        e1 = s1[owner] - f[:, None] * a1[owner]
        e2 = s2[owner] - f[:, None, None] * a2[owner]
        mean = e1 / e0[:, None]
        loglik = float(np.sum(etasum) - np.sum(np.log(e0) + shift))
        starts = np.cumsum(counts) - counts
        u = xsum - np.add.reduceat(mean, starts, axis=0)
        v = e2 / e0[:, None, None] - mean[:, :, None] * mean[:, None, :]
        imat = np.add.reduceat(v, starts, axis=0)
    strata = np.full(times.size, data.stratum[rows[0]], dtype=np.intp)
    return loglik, times, strata, u, imat
