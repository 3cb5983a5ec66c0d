"""Group-sequential boundaries on the Z scale: efficacy, futility, alpha spent, crossing.

This module owns the boundary families the trial can choose from and the
numerical integration behind them. Boundaries are for a standardised test
statistic Z_k observed at information fractions t_1 < ... < t_K = 1, with
Z_k * sqrt(t_k) a Brownian motion with drift: E[Z_k] = drift * sqrt(t_k) and
corr(Z_j, Z_k) = sqrt(t_j / t_k). Z > 0 favours the experimental arm.

Boundary families (`kind`); the two O'Brien-Fleming entries are different designs:

- ``"obrien_fleming"``: classic O'Brien-Fleming (1979), c_k = C / sqrt(t_k)
  with one constant C solved for overall alpha (Wang-Tsiatis Delta = 0).
  K = 2, one-sided 0.025: 2.7965, 1.9774.
- ``"pocock"``: classic Pocock (1977), c_k = C at every look.
- ``"haybittle_peto"``: Haybittle (1971) / Peto (1976): Z = 3 at every interim
  look, final boundary solved so the overall alpha is kept exactly.
- ``"ld_obrien_fleming"``: Lan-DeMets (1983) alpha spending with the
  O'Brien-Fleming-type function alpha(t) = 2 - 2 Phi(z_{1-alpha/2} / sqrt(t))
  (rpact "asOF", gsDesign sfLDOF). K = 2, one-sided 0.025: 2.9626, 1.9686.
- ``"ld_pocock"``: Lan-DeMets alpha spending with the Pocock-type function
  alpha(t) = alpha ln(1 + (e - 1) t) (rpact "asP", gsDesign sfLDPocock).
- ``"hsd"``: Hwang-Shih-DeCani (1990) spending, alpha (1 - e^{-gamma t}) /
  (1 - e^{-gamma}); gamma = -4 is gsDesign's default efficacy bound.

For two-sided designs (``sided=2``) the boundaries are symmetric (+/- c_k) and
``alpha`` is the total two-sided level; spending designs give each tail the
one-sided spending function at alpha / 2, as rpact and gsDesign do (for the
O'Brien-Fleming type this differs slightly from Lan & DeMets' original
two-sided form 2 - 2 Phi(z_{1-alpha/2} / sqrt(t))).

Futility bounds are non-binding beta-spending bounds (gsDesign test.type = 4,
rpact ``bindingFutility = FALSE``): efficacy bounds are computed under H0 as
if there were no futility bound, so stopping or not stopping for futility
never inflates the type I error; the futility bound at look k is set so the
probability under the design alternative of crossing it (and neither bound
before) equals the beta spent between t_{k-1} and t_k; the drift is solved
so that the final futility bound meets the final efficacy bound, which makes
the power exactly 1 - beta.

Numerical method: the Armitage-McPherson-Rowe (1969) recursive numerical
integration (what rpact and gsDesign use), on the grid of Jennison & Turnbull
(2000, chapter 19): 6r - 1 points per look, dense within 3 standard
deviations of the mean and spreading logarithmically to 3 + 4 ln r of them,
with midpoints added for Simpson's rule; cost O(K (12 r)^2) per evaluation,
well under a second for any design with K <= 20. gsDesign uses r = 18; the
default here is r = 32. Accuracy, as checked in the tests
(``tests/design/test_design_group_sequential.py``) and against independent
integrations: crossing probabilities agree with scipy's
multivariate normal (Genz) to about 1e-8, bounds with r = 128 to 1e-7 for
K <= 10 (2e-6 at K = 20), and rpact's and gsDesign's printed bounds to all
their digits (rpact's 7 significant digits, to 1e-6 relative; one far-tail
rpact bound, Z = 4.86, is itself 8.5e-5 off, inside rpact's tolerance).
scipy's multivariate normal is not used: it is slower and, at its default
tolerance (1e-5), less accurate.

Sources: Jennison & Turnbull, Group Sequential Methods with Applications to
Clinical Trials (2000), tables 2.1 and 2.3 and chapter 19; Lan & DeMets,
Biometrika 70:659 (1983); Hwang, Shih & DeCani, Stat Med 9:1439 (1990);
Haybittle, Br J Radiol 44:793 (1971); rpact and gsDesign test files.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy import optimize, special

KINDS: dict[str, str] = {
    "obrien_fleming": "classic O'Brien-Fleming (1979): c_k = C / sqrt(t_k)",
    "pocock": "classic Pocock (1977): c_k = C",
    "haybittle_peto": "Haybittle-Peto: Z = 3 at interim looks, final bound keeps alpha",
    "ld_obrien_fleming": "Lan-DeMets alpha spending, O'Brien-Fleming type",
    "ld_pocock": "Lan-DeMets alpha spending, Pocock type",
    "hsd": "Hwang-Shih-DeCani alpha spending",
}
SPENDING_FUNCTIONS: tuple[str, ...] = ("ld_obrien_fleming", "ld_pocock", "hsd")

HAYBITTLE_PETO_INTERIM = 3.0
GRID_R = 32
_ROOT_TOL = 1e-12
_SQRT_2PI = math.sqrt(2.0 * math.pi)


def spending(fraction: float, total: float, function: str, gamma: float = -4.0) -> float:
    """The error spent by information fraction `fraction` out of `total` (alpha or beta).

    `function` is ``"ld_obrien_fleming"``, ``"ld_pocock"`` or ``"hsd"`` (with `gamma`).
    The O'Brien-Fleming-type function is the one-sided form used by rpact and
    gsDesign, 2 - 2 Phi(z_{1 - total/2} / sqrt(t)).
    """
    if function not in SPENDING_FUNCTIONS:
        raise ValueError(
            f"function must be one of {', '.join(SPENDING_FUNCTIONS)}; got {function!r}"
        )
    if not 0.0 < total < 1.0:
        raise ValueError(f"total must lie strictly between 0 and 1; got {total!r}")
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction must lie between 0 and 1; got {fraction!r}")
    if fraction == 0.0:
        return 0.0
    if fraction == 1.0:
        return total
    if function == "ld_obrien_fleming":
        return float(2.0 * special.ndtr(-special.ndtri(1.0 - total / 2.0) / math.sqrt(fraction)))
    if function == "ld_pocock":
        return total * math.log1p((math.e - 1.0) * fraction)
    if gamma == 0.0:  # the limit of the HSD family is linear spending
        return total * fraction
    return total * math.expm1(-gamma * fraction) / math.expm1(-gamma)


@dataclass(frozen=True)
class GroupSequentialDesign:
    """Boundaries of one design, and what they spend.

    `efficacy[k]` rejects H0 at look k when Z_k >= efficacy[k] (|Z_k| when
    two-sided). `futility[k]` (one-sided designs only) stops for futility when
    Z_k < futility[k]; -inf means no futility stop at that look.
    `alpha_spent` is cumulative under H0 (efficacy bounds only), as in rpact.
    `drift` is E[Z_K] under the alternative that gives power 1 - beta, and
    `inflation` = (drift / (z_{1-alpha/sided} + z_{1-beta}))^2 is the maximum
    information (events) relative to a fixed design.
    """

    kind: str
    label: str
    alpha: float
    sided: int
    timing: tuple[float, ...]
    efficacy: tuple[float, ...]
    alpha_spent: tuple[float, ...]
    futility: tuple[float, ...] | None = None
    beta: float | None = None
    beta_spent: tuple[float, ...] | None = None
    drift: float | None = None
    inflation: float | None = None

    @property
    def alpha_per_look(self) -> tuple[float, ...]:
        """Alpha spent at each look (increments of `alpha_spent`)."""
        spent = (0.0, *self.alpha_spent)
        return tuple(b - a for a, b in itertools.pairwise(spent))


@dataclass(frozen=True)
class CrossingProbabilities:
    """Probability of stopping at each look through each boundary, for one drift.

    `upper[k]`: Z_k >= efficacy[k] with no earlier stop. `lower[k]`: Z_k below
    the lower boundary (futility bound one-sided, -efficacy[k] two-sided).
    """

    drift: float
    timing: tuple[float, ...]
    upper: tuple[float, ...]
    lower: tuple[float, ...]

    @property
    def stop(self) -> tuple[float, ...]:
        """Probability of stopping at each look (the last look always stops)."""
        stops = [u + lo for u, lo in zip(self.upper, self.lower, strict=True)]
        stops[-1] = 1.0 - sum(stops[:-1])
        return tuple(stops)

    @property
    def expected_information(self) -> float:
        """Expected information fraction at stopping (average sample number / maximum)."""
        return float(sum(t * p for t, p in zip(self.timing, self.stop, strict=True)))


# --- the recursion -------------------------------------------------------------------------


def _grid(mean: float, lower: float, upper: float, r: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and Simpson weights on (lower, upper) for a density centred at `mean` (J&T 19.2)."""
    i = np.arange(1, 6 * r, dtype=float)
    x = np.where(
        i < r,
        mean - 3.0 - 4.0 * np.log(r / i),
        np.where(
            i <= 5 * r,
            mean - 3.0 + 3.0 * (i - r) / (2.0 * r),
            mean + 3.0 + 4.0 * np.log(r / np.maximum(6.0 * r - i, 1.0)),
        ),
    )
    inside = x[(x > lower) & (x < upper)]
    ends = [v for v in (lower, upper) if math.isfinite(v) and x[0] < v < x[-1]]
    points = np.unique(np.concatenate([inside, np.asarray(ends, dtype=float)]))
    if points.size < 2:  # a sliver of continuation region far in a tail
        lo = max(lower, x[0])
        hi = min(upper, x[-1])
        points = np.array([lo, hi]) if hi > lo else np.array([lo, lo])
    width = np.diff(points)
    nodes = np.empty(2 * points.size - 1)
    nodes[0::2] = points
    nodes[1::2] = points[:-1] + width / 2.0
    weights = np.zeros_like(nodes)
    weights[0:-1:2] += width / 6.0
    weights[2::2] += width / 6.0
    weights[1::2] = 4.0 * width / 6.0
    return nodes, weights


class _Recursion:
    """The sub-density of Z_k on the continuation region, advanced look by look.

    Before the first look the state is a point mass at Z = 0 with t = 0, which
    makes the first look an ordinary step of the recursion.
    """

    def __init__(self, drift: float, r: int = GRID_R) -> None:
        self.drift = drift
        self.r = r
        self.t = 0.0
        self.nodes = np.zeros(1)
        self.mass = np.ones(1)  # density x weight at each node

    def upper(self, bound: float, t: float) -> float:
        """P(Z_t >= bound, no stop so far)."""
        if bound == math.inf:
            return 0.0
        step = math.sqrt(t - self.t)
        x = (
            bound * math.sqrt(t) - self.nodes * math.sqrt(self.t) - self.drift * (t - self.t)
        ) / step
        return float(self.mass @ special.ndtr(-x))

    def lower(self, bound: float, t: float) -> float:
        """P(Z_t < bound, no stop so far)."""
        if bound == -math.inf:
            return 0.0
        step = math.sqrt(t - self.t)
        x = (
            bound * math.sqrt(t) - self.nodes * math.sqrt(self.t) - self.drift * (t - self.t)
        ) / step
        return float(self.mass @ special.ndtr(x))

    def advance(self, lower: float, upper: float, t: float) -> None:
        """Move to look at `t`, keeping only paths with lower <= Z_t < upper."""
        step = t - self.t
        nodes, weights = _grid(self.drift * math.sqrt(t), lower, upper, self.r)
        x = (
            np.multiply.outer(nodes * math.sqrt(t), np.ones_like(self.nodes))
            - self.nodes * math.sqrt(self.t)
            - self.drift * step
        ) / math.sqrt(step)
        density = (np.exp(-0.5 * x * x) @ self.mass) * math.sqrt(t / step) / _SQRT_2PI
        self.nodes, self.mass, self.t = nodes, weights * density, t


def crossing_probabilities(
    efficacy: Sequence[float],
    timing: Sequence[float] | None = None,
    drift: float = 0.0,
    futility: Sequence[float] | None = None,
    sided: int = 1,
) -> CrossingProbabilities:
    """Probabilities of crossing each boundary at each look when E[Z_K] = `drift`.

    One-sided: upper is efficacy, lower is `futility` (none if omitted).
    Two-sided: the boundaries are +/- efficacy and `futility` is not allowed.
    """
    k = len(efficacy)
    t = _timing(k, timing)
    _check_sided(sided)
    if sided == 2 and futility is not None:
        raise ValueError("futility: futility bounds are for one-sided designs only")
    if futility is not None and len(futility) != k:
        raise ValueError(f"futility must have one bound per look ({k}); got {len(futility)}")
    lows = [-b for b in efficacy] if sided == 2 else list(futility or [-math.inf] * k)
    rec = _Recursion(drift)
    upper, lower = [], []
    for i in range(k):
        upper.append(rec.upper(efficacy[i], t[i]))
        lower.append(rec.lower(lows[i], t[i]))
        if i < k - 1:
            rec.advance(lows[i], efficacy[i], t[i])
    return CrossingProbabilities(drift, t, tuple(upper), tuple(lower))


# --- boundaries ----------------------------------------------------------------------------


def _timing(k: int, timing: Sequence[float] | None) -> tuple[float, ...]:
    if not isinstance(k, int | np.integer) or isinstance(k, bool) or k < 1:
        raise ValueError(f"k must be a whole number of looks >= 1; got {k!r}")
    if timing is None:
        return tuple((i + 1) / k for i in range(k))
    t = tuple(float(v) for v in timing)
    if len(t) != k:
        raise ValueError(f"timing must have k = {k} information fractions; got {len(t)}")
    if any(b <= a for a, b in itertools.pairwise(t)) or t[0] <= 0.0:
        raise ValueError(f"timing must be strictly increasing and positive; got {t}")
    if abs(t[-1] - 1.0) > 1e-12:
        raise ValueError(f"timing must end at 1 (the final analysis); got {t[-1]}")
    return (*t[:-1], 1.0)


def _check_alpha(alpha: float, name: str = "alpha", upper: float = 0.5) -> None:
    if not isinstance(alpha, int | float) or isinstance(alpha, bool) or not 0.0 < alpha < upper:
        raise ValueError(f"{name} must lie strictly between 0 and {upper:g}; got {alpha!r}")


def _check_sided(sided: int) -> None:
    if sided not in (1, 2):
        raise ValueError(f"sided must be 1 or 2; got {sided!r}")


def _solve_bound(crossed: Callable[[float], float], target: float) -> float:
    """The bound b at which the (decreasing) crossing probability equals `target`."""
    lo, hi = -10.0, 40.0
    if target <= crossed(hi):
        return math.inf
    if target >= crossed(lo):
        return lo
    return float(optimize.brentq(lambda b: crossed(b) - target, lo, hi, xtol=_ROOT_TOL))


def _spending_bounds(
    t: tuple[float, ...], alpha: float, function: str, sided: int, gamma: float
) -> list[float]:
    rec = _Recursion(0.0)
    out: list[float] = []
    spent = 0.0
    for i, ti in enumerate(t):
        # Two-sided: each tail spends the one-sided function at alpha / 2 (as rpact and
        # gsDesign do), and under H0 the tails are mirror images.
        target = spending(ti, alpha / sided, function, gamma) - spent
        b = _solve_bound(lambda c, ti=ti: rec.upper(c, ti), target)
        out.append(b)
        spent += rec.upper(b, ti)
        if i < len(t) - 1:
            rec.advance(-b if sided == 2 else -math.inf, b, ti)
    return out


def _total_crossing(bounds_: Sequence[float], t: tuple[float, ...], sided: int) -> float:
    cp = crossing_probabilities(bounds_, t, 0.0, None, sided)
    return sum(cp.upper) + (sum(cp.lower) if sided == 2 else 0.0)


def _constant_shape_bounds(
    t: tuple[float, ...], alpha: float, shape: Sequence[float], sided: int
) -> list[float]:
    def excess(c: float) -> float:
        return _total_crossing([c * s for s in shape], t, sided) - alpha

    c = optimize.brentq(excess, 0.1, 20.0, xtol=_ROOT_TOL)
    return [c * s for s in shape]


def _haybittle_peto(t: tuple[float, ...], alpha: float, sided: int, interim: float) -> list[float]:
    rec = _Recursion(0.0)
    spent = 0.0
    for ti in t[:-1]:
        spent += rec.upper(interim, ti) * sided
        rec.advance(-interim if sided == 2 else -math.inf, interim, ti)
    target = alpha - spent
    if target <= 0.0:
        raise ValueError(
            f"alpha {alpha} is spent before the final look by interim bounds of {interim}"
        )
    final = _solve_bound(lambda c: rec.upper(c, 1.0) * sided, target)
    return [interim] * (len(t) - 1) + [final]


def bounds(
    k: int,
    alpha: float,
    kind: str = "obrien_fleming",
    sided: int = 1,
    timing: Sequence[float] | None = None,
    *,
    gamma: float = -4.0,
) -> list[float]:
    """Z-scale efficacy boundaries for `k` looks at overall level `alpha`.

    `kind` is one of ``"obrien_fleming"`` (classic, Wang-Tsiatis Delta = 0),
    ``"pocock"`` (classic), ``"haybittle_peto"`` (3.0 at interims, final
    solved), ``"ld_obrien_fleming"`` / ``"ld_pocock"`` (Lan-DeMets spending
    functions of O'Brien-Fleming and Pocock type) or ``"hsd"``
    (Hwang-Shih-DeCani spending with `gamma`). `timing` holds the information
    fractions (equal spacing by default; the last must be 1). One-sided
    (``sided=1``): reject when Z_k >= bound. Two-sided: reject when
    |Z_k| >= bound, with `alpha` the two-sided total.
    """
    return list(design(k, alpha, kind, sided, timing, gamma=gamma).efficacy)


def alpha_spent(
    k: int,
    alpha: float,
    kind: str = "obrien_fleming",
    sided: int = 1,
    timing: Sequence[float] | None = None,
    *,
    gamma: float = -4.0,
) -> list[float]:
    """Cumulative alpha spent by each look under H0 (rpact's ``alphaSpent``)."""
    return list(design(k, alpha, kind, sided, timing, gamma=gamma).alpha_spent)


def _efficacy(
    kind: str, t: tuple[float, ...], alpha: float, sided: int, gamma: float
) -> list[float]:
    if kind == "obrien_fleming":
        return _constant_shape_bounds(t, alpha, [1.0 / math.sqrt(x) for x in t], sided)
    if kind == "pocock":
        return _constant_shape_bounds(t, alpha, [1.0] * len(t), sided)
    if kind == "haybittle_peto":
        return _haybittle_peto(t, alpha, sided, HAYBITTLE_PETO_INTERIM)
    return _spending_bounds(t, alpha, kind, sided, gamma)


def design(
    k: int,
    alpha: float,
    kind: str = "obrien_fleming",
    sided: int = 1,
    timing: Sequence[float] | None = None,
    *,
    gamma: float = -4.0,
    beta: float | None = None,
    futility: str | None = None,
    futility_gamma: float = -2.0,
) -> GroupSequentialDesign:
    """A group-sequential design: efficacy bounds, alpha spent and optional futility bounds.

    With `beta` alone, the design also reports the drift giving power
    1 - beta and the inflation factor. With `futility` (a spending function
    name, ``"hsd"`` using `futility_gamma`) and `beta`, it adds non-binding
    beta-spending futility bounds (one-sided designs only).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    _check_sided(sided)
    _check_alpha(alpha, upper=0.5 * sided)  # at most one half per tail
    t = _timing(k, timing)
    efficacy = _efficacy(kind, t, alpha, sided, gamma)
    cp = crossing_probabilities(efficacy, t, 0.0, None, sided)
    spent = np.cumsum(np.add(cp.upper, cp.lower) if sided == 2 else cp.upper)
    label = KINDS[kind] + (f", gamma = {gamma:g}" if kind == "hsd" else "")
    base = GroupSequentialDesign(
        kind=kind,
        label=f"{label}; {'one' if sided == 1 else 'two'}-sided alpha = {alpha:g}",
        alpha=alpha,
        sided=sided,
        timing=t,
        efficacy=tuple(efficacy),
        alpha_spent=tuple(float(x) for x in spent),
    )
    if futility is not None:
        if beta is None:
            raise ValueError("beta: futility bounds need the type II error beta")
        if sided != 1:
            raise ValueError("futility: futility bounds are for one-sided designs only")
        return _with_futility(base, beta, futility, futility_gamma)
    if beta is not None:
        _check_alpha(beta, "beta")
        drift = drift_for_power(efficacy, 1.0 - beta, t, sided=sided)
        return replace(
            base, beta=beta, drift=drift, inflation=_inflation(alpha, sided, beta, drift)
        )
    return base


def _inflation(alpha: float, sided: int, beta: float, drift: float) -> float:
    fixed = special.ndtri(1.0 - alpha / sided) + special.ndtri(1.0 - beta)
    return float((drift / fixed) ** 2)


def drift_for_power(
    efficacy: Sequence[float],
    power: float,
    timing: Sequence[float] | None = None,
    futility: Sequence[float] | None = None,
    sided: int = 1,
) -> float:
    """The drift E[Z_K] at which the boundaries reject H0 with probability `power`.

    Two-sided designs count rejections in the favourable direction only.
    """
    if not 0.0 < power < 1.0:
        raise ValueError(f"power must lie strictly between 0 and 1; got {power!r}")
    t = _timing(len(efficacy), timing)

    def shortfall(drift: float) -> float:
        return sum(crossing_probabilities(efficacy, t, drift, futility, sided).upper) - power

    hi = 1.0
    while shortfall(hi) < 0.0:
        hi *= 2.0
    return float(optimize.brentq(shortfall, -10.0, hi, xtol=_ROOT_TOL))


def _futility_at(
    efficacy: Sequence[float],
    t: tuple[float, ...],
    drift: float,
    beta: float,
    function: str,
    gamma: float,
) -> tuple[list[float], float]:
    """Beta-spending futility bounds for one drift, and the beta left over at the final look.

    The leftover is P(Z_K < efficacy_K, no earlier stop) minus the beta still
    to spend: it falls as the drift grows and is zero for the design's drift,
    where the final futility bound meets the efficacy bound.
    """
    rec = _Recursion(drift)
    out: list[float] = []
    spent = 0.0
    for i, ti in enumerate(t[:-1]):
        target = spending(ti, beta, function, gamma) - spent
        b = efficacy[i]
        if target <= rec.lower(-20.0, ti):
            a = -math.inf
        elif target >= rec.lower(b, ti):
            a = b  # the whole continuation region is spent: stop here whatever Z is
        else:
            a = float(
                optimize.brentq(
                    lambda x, ti=ti, target=target: rec.lower(x, ti) - target,
                    -20.0,
                    b,
                    xtol=_ROOT_TOL,
                )
            )
        out.append(a)
        spent += rec.lower(a, ti)
        rec.advance(a, b, ti)
    out.append(efficacy[-1])
    return out, rec.lower(efficacy[-1], 1.0) - (beta - spent)


def _with_futility(
    base: GroupSequentialDesign, beta: float, function: str, gamma: float
) -> GroupSequentialDesign:
    _check_alpha(beta, "beta")
    if function not in SPENDING_FUNCTIONS:
        raise ValueError(
            f"futility must be one of {', '.join(SPENDING_FUNCTIONS)}; got {function!r}"
        )
    t, efficacy = base.timing, base.efficacy

    def leftover(drift: float) -> float:
        return _futility_at(efficacy, t, drift, beta, function, gamma)[1]

    hi = special.ndtri(1.0 - base.alpha) + special.ndtri(1.0 - beta)
    while leftover(hi) > 0.0:
        hi *= 1.5
    drift = float(optimize.brentq(leftover, 0.0, hi, xtol=_ROOT_TOL))
    fut, _ = _futility_at(efficacy, t, drift, beta, function, gamma)
    beta_spent = tuple(spending(x, beta, function, gamma) for x in t)
    label = f"; non-binding futility: {function} beta spending, beta = {beta:g}"
    if function == "hsd":
        label += f" (gamma = {gamma:g})"
    return replace(
        base,
        label=base.label + label,
        futility=tuple(fut),
        beta=beta,
        beta_spent=beta_spent,
        drift=drift,
        inflation=_inflation(base.alpha, 1, beta, drift),
    )
