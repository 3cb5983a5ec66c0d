"""Pocock-Simon minimization with factor weights and a biased coin.

This module owns the minimization decision (issue 4, Build 2b; ESO-RT's
default method, `[allocation]` in protocols/eso_rt.toml). Source: Pocock SJ,
Simon R. Sequential treatment assignment with balancing for prognostic
factors in the controlled clinical trial. Biometrics 1975;31:103-115, §3.

Imbalance score of each candidate arm k, for a new participant whose level
of factor i is r_i:

* x_ij(k) = n_ij + [j = k] for every arm j, where n_ij counts the previously
  randomized participants with level r_i of factor i allocated to arm j
  (the preference cohort is not counted: it is analysed apart);
* d_i(k) = max_j x_ij(k) - min_j x_ij(k)                  ("range"), or
  d_i(k) = (1/K) * sum_j (x_ij(k) - mean_j x_ij(k))**2    ("variance",
  the population variance over the K arms);
* G(k) = sum_i w_i * d_i(k), with w_i the factor's weight.

Assignment probabilities, from the set M of arms with the smallest G (its
size m) and p, the probability of giving the imbalance-minimizing arm: one
arm of M is taken as preferred, each with probability 1/m (a tie is broken
at random, equally), the preferred arm gets p and every other arm
(1 - p) / (K - 1). So each arm of M gets p/m + (m-1)/m * (1-p)/(K-1), each
other arm (1-p)/(K-1); with two arms that is p and 1 - p, or 1/2 each on a
tie (Pocock & Simon's "p_1 = p, p_k = (1 - p)/(K - 1)" rule).

The arm: with the draw u (an integer in [0, 2**53) taken by index from the
pre-generated `minimization_draws`), the first arm in the protocol's order
whose cumulative probability exceeds u / 2**53. All of this is computed in
exact rational arithmetic, with p and the weights read as the decimals they
are written as (0.8 is 4/5), so ties and thresholds do not depend on
floating-point rounding and any tool can recompute a decision.

What the method guarantees: with p < 1 there is no hard bound. Each
marginal imbalance (between two arms, within one level of one factor) and
the overall imbalance stay bounded in probability: they do not grow with
the number of participants (Hu F, Zhang L-X. On the theory of
covariate-adaptive designs. arXiv:2004.02994, 2020), while imbalance within
a stratum (a combination of levels) grows like sqrt(n), as for simple
randomization. With one factor and two arms the imbalance of a level is a
reflected random walk that steps toward 0 with probability p (Efron's
biased coin: Efron B. Forcing a sequential experiment to be balanced.
Biometrika 1971;58:403-417): in the long run it spends a share
(2p - 1) / (2p) of the time at 0, and P(|D| >= k + 1) / P(|D| >= k) =
(1 - p) / p for k >= 1 (3/8 and 1/4 for p = 0.8). The bounds observed for
ESO-RT-like factors are stated and tested in tests/allocation.

Concealment note: someone who knows every prior allocation and the
participant's levels can compute M; p < 1 and the secret draw leave them
only a p-probability guess, which is why p is not set to 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from math import isfinite, lcm
from typing import Literal

from oncotrial.allocation.decision import AllocationDecision, ArmId
from oncotrial.allocation.stratum import Stratum
from oncotrial.allocation.stream import DRAW_SCALE, draws

Imbalance = Literal["range", "variance"]
IMBALANCE_MEASURES: tuple[Imbalance, ...] = ("range", "variance")
MINIMIZATION_LABEL = "minimization"

MarginalCounts = Mapping[str, Mapping[str, Mapping[ArmId, int]]]
"""factor id -> level -> arm -> number of prior randomized participants (absent = 0)."""


@dataclass(frozen=True)
class MinimizationFactor:
    """A factor minimization balances over, with its weight w_i."""

    id: str
    weight: float = 1.0


@dataclass(frozen=True)
class MinimizationSettings:
    """The method's parameters, as the protocol's `[allocation]` section gives them.

    `minimizer_probability` is p, the probability of giving the
    imbalance-minimizing arm (the protocol's `secondary_probability`).
    Only equal allocation is supported: dividing counts by unequal shares
    drifts the realised ratio away from the target (Kuznetsova OM, Tymofyeyev
    Y. Preserving the allocation ratio at every allocation with biased coin
    randomization and minimization in studies with unequal allocation.
    Stat Med 2012), so an unequal ratio is refused.
    """

    arms: tuple[ArmId, ...]
    factors: tuple[MinimizationFactor, ...]
    minimizer_probability: float = 0.8
    imbalance: Imbalance = "range"

    def __post_init__(self) -> None:
        arms, factors = tuple(self.arms), tuple(self.factors)
        object.__setattr__(self, "arms", arms)
        object.__setattr__(self, "factors", factors)
        if len(arms) < 2 or len(set(arms)) != len(arms):
            raise ValueError(f"arms must be at least two distinct ids, got {list(arms)}")
        ids = [f.id for f in factors]
        if not ids or len(set(ids)) != len(ids):
            raise ValueError(f"factors must be at least one, with distinct ids, got {ids}")
        for f in factors:
            if not isfinite(f.weight) or f.weight < 0:
                raise ValueError(
                    f"weight of factor {f.id!r} must be finite and >= 0, got {f.weight}"
                )
        p = self.minimizer_probability
        # Checked as the decimal it is written as, the value every rule uses.
        if not isfinite(p) or not Fraction(1, len(arms)) <= _decimal(p) <= 1:
            raise ValueError(f"minimizer_probability must be between 1/{len(arms)} and 1, got {p}")
        if self.imbalance not in IMBALANCE_MEASURES:
            raise ValueError(
                f"imbalance must be one of {IMBALANCE_MEASURES}, got {self.imbalance!r}"
            )

    @classmethod
    def from_protocol(
        cls,
        arms: Sequence[ArmId],
        factors: Sequence[tuple[str, float]],
        minimizer_probability: float,
        imbalance: Imbalance,
        ratio: Sequence[int] | None = None,
    ) -> MinimizationSettings:
        """Settings from the protocol's values; refuses an unequal `ratio`."""
        if ratio is not None and (len(ratio) != len(arms) or len(set(ratio)) != 1):
            raise ValueError(
                f"minimization supports equal allocation only; ratio {list(ratio)} "
                f"for arms {list(arms)} is not equal"
            )
        return cls(
            arms=tuple(arms),
            factors=tuple(MinimizationFactor(id, weight) for id, weight in factors),
            minimizer_probability=minimizer_probability,
            imbalance=imbalance,
        )


def minimization_draws(secret: bytes, count: int) -> tuple[int, ...]:
    """The trial's pre-generated draws; the n-th randomized participant uses draw n."""
    return draws(secret, MINIMIZATION_LABEL, count)


def marginal_counts(
    prior: Iterable[tuple[Mapping[str, str], ArmId]], settings: MinimizationSettings
) -> dict[str, dict[str, dict[ArmId, int]]]:
    """Count prior randomized allocations, given as (factor levels, arm) pairs."""
    return tally(((levels, arm, 1) for levels, arm in prior), settings)


def tally(
    groups: Iterable[tuple[Mapping[str, str], ArmId, int]], settings: MinimizationSettings
) -> dict[str, dict[str, dict[ArmId, int]]]:
    """Count prior randomized allocations given as (factor levels, arm, how many)
    groups: what a database's GROUP BY returns, so the counting does not grow
    with the number of participants."""
    counts: dict[str, dict[str, dict[ArmId, int]]] = {f.id: {} for f in settings.factors}
    for levels, arm, n in groups:
        if arm not in settings.arms:
            raise ValueError(
                f"prior allocation to unknown arm {arm!r}; arms are {list(settings.arms)}"
            )
        _check_levels(levels, settings)
        for f in settings.factors:
            by_arm = counts[f.id].setdefault(levels[f.id], {})
            by_arm[arm] = by_arm.get(arm, 0) + n
    return counts


def imbalance_scores(
    factor_levels: Mapping[str, str], counts: MarginalCounts, settings: MinimizationSettings
) -> dict[ArmId, Fraction]:
    """G(k) for every candidate arm k, exactly (see the module docstring)."""
    _check_levels(factor_levels, settings)
    # Integer arithmetic throughout, one division at the end: the weights are
    # brought to a common denominator, and for "variance" K**2 * var(x) =
    # K * sum(x**2) - sum(x)**2 is an integer.
    weights = [_decimal(f.weight) for f in settings.factors]
    denominator = lcm(*(w.denominator for w in weights))
    int_weights = [int(w * denominator) for w in weights]
    rows = [
        _level_counts(counts, f.id, factor_levels[f.id], settings.arms) for f in settings.factors
    ]
    n_arms = len(settings.arms)
    if settings.imbalance == "variance":
        denominator *= n_arms * n_arms
    scores: dict[ArmId, Fraction] = {}
    for k, arm in enumerate(settings.arms):
        total = 0
        for weight, row in zip(int_weights, rows, strict=True):
            x = list(row)
            x[k] += 1
            if settings.imbalance == "range":
                total += weight * (max(x) - min(x))
            else:
                total += weight * (n_arms * sum(v * v for v in x) - sum(x) ** 2)
        scores[arm] = Fraction(total, denominator)
    return scores


def assignment_probabilities(
    scores: Mapping[ArmId, Fraction], settings: MinimizationSettings
) -> dict[ArmId, Fraction]:
    """Each arm's probability given the scores (see the module docstring); sums to 1."""
    lowest = min(scores.values())
    minimizers = [arm for arm in settings.arms if scores[arm] == lowest]
    minimizer_each, others_each = _shares(
        settings.minimizer_probability, len(settings.arms), len(minimizers)
    )
    return {arm: minimizer_each if arm in minimizers else others_each for arm in settings.arms}


def minimize(
    factor_levels: Mapping[str, str],
    counts: MarginalCounts,
    settings: MinimizationSettings,
    draw: int,
    draw_index: int,
) -> AllocationDecision:
    """Allocate one participant by minimization, using the draw stored at `draw_index`."""
    if not isinstance(draw, int) or not 0 <= draw < DRAW_SCALE:
        raise ValueError(f"draw must be an integer in [0, 2**53), got {draw!r}")
    if draw_index < 0:
        raise ValueError(f"draw_index must be 0 or more, got {draw_index}")
    scores = imbalance_scores(factor_levels, counts, settings)
    probabilities = assignment_probabilities(scores, settings)
    lowest = min(scores.values())
    minimizers = tuple(arm for arm in settings.arms if scores[arm] == lowest)
    u = Fraction(draw, DRAW_SCALE)
    cumulative = Fraction(0)
    chosen = settings.arms[-1]
    for arm in settings.arms:
        cumulative += probabilities[arm]
        if u < cumulative:
            chosen = arm
            break
    stratum = Stratum.of({f.id: factor_levels[f.id] for f in settings.factors})
    return AllocationDecision(
        method="minimization",
        arm=chosen,
        stratum_key=stratum.key,
        factor_levels=stratum.as_dict(),
        draw_index=draw_index,
        draw=draw,
        imbalance_scores={arm: float(s) for arm, s in scores.items()},
        minimizing_arms=minimizers,
        tie=len(minimizers) > 1,
        probabilities={arm: float(q) for arm, q in probabilities.items()},
    )


def _level_counts(
    counts: MarginalCounts, factor: str, level: str, arms: Sequence[ArmId]
) -> list[int]:
    by_arm = counts.get(factor, {}).get(level, {})
    unknown = set(by_arm) - set(arms)
    if unknown:
        raise ValueError(
            f"counts for factor {factor!r} level {level!r} name unknown arms {sorted(unknown)}"
        )
    row = [by_arm.get(arm, 0) for arm in arms]
    if any(not isinstance(n, int) or n < 0 for n in row):
        raise ValueError(
            f"counts for factor {factor!r} level {level!r} must be integers >= 0, got {row}"
        )
    return row


def _check_levels(factor_levels: Mapping[str, str], settings: MinimizationSettings) -> None:
    expected = {f.id for f in settings.factors}
    missing = expected - set(factor_levels)
    extra = set(factor_levels) - expected
    if missing or extra:
        raise ValueError(
            f"factor levels must give exactly the factors {sorted(expected)}; "
            f"missing {sorted(missing)}, unexpected {sorted(extra)}"
        )
    for factor in expected:
        level = factor_levels[factor]
        if not isinstance(level, str) or not level:
            raise ValueError(f"level of factor {factor!r} must be a non-empty str, got {level!r}")


@cache
def _shares(p_float: float, n_arms: int, m: int) -> tuple[Fraction, Fraction]:
    """(probability of each of the m minimizing arms, of each other arm)."""
    p = _decimal(p_float)
    others_each = (1 - p) / (n_arms - 1)
    return p / m + Fraction(m - 1, m) * others_each, others_each


@cache
def _decimal(value: float) -> Fraction:
    # repr gives the shortest decimal that round-trips, i.e. the value as written.
    return Fraction(repr(float(value)))
