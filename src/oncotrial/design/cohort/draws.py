"""Random streams and draws of the cohort generator.

This module owns where every random number of a synthetic cohort comes
from: one numpy `Generator` per (seed, purpose, candidate), built from a
`SeedSequence`, so a cohort is a pure function of its seed and scenario, and
the draws of one part of a journey (say its adverse events) do not shift
when another part changes. Allocation is not drawn here: it uses the
platform's allocator with a secret derived from the seed (`assignment`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import TypeVar

import numpy as np

from oncotrial.design.cohort.scenario import DayRange, Normal

# One number per purpose keeps the streams apart; never reuse or renumber.
STREAMS: Mapping[str, int] = {
    "calendar": 1,
    "screening": 2,
    "assignment": 3,
    "course": 4,
    "tumour": 5,
    "treatment": 6,
    "radiotherapy": 7,
    "safety": 8,
    "specimens": 9,
    "survival": 10,
    "contacts": 11,
}

T = TypeVar("T")


def check_seed(seed: int) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a whole number 0 or more, got {seed!r}")
    return int(seed)


def stream(seed: int, purpose: str, index: int = 0) -> np.random.Generator:
    """The generator for one purpose and one candidate (index) of a seeded cohort."""
    return np.random.default_rng(np.random.SeedSequence([seed, STREAMS[purpose], index]))


def chance(rng: np.random.Generator, probability: float) -> bool:
    return bool(rng.random() < probability)


def pick(rng: np.random.Generator, shares: Mapping[str, float]) -> str:
    """One key, with probability its share (shares sum to 1)."""
    u = rng.random()
    cumulative = 0.0
    last = ""
    for key, share in shares.items():
        if share <= 0:
            continue
        cumulative += share
        last = key
        if u < cumulative:
            return key
    return last  # rounding left u just above the total


def pick_item(rng: np.random.Generator, items: Sequence[T], shares: Sequence[float]) -> T:
    return items[int(pick(rng, {str(i): s for i, s in enumerate(shares)}))]


def days(rng: np.random.Generator, span: DayRange) -> int:
    """A whole number of days (or millimetres) within the range, uniformly."""
    return int(rng.integers(span.min, span.max + 1))


def truncated_normal(rng: np.random.Generator, law: Normal) -> float:
    """A normal draw kept within [min, max] by redrawing (clipped if the bounds are far out)."""
    for _ in range(32):
        value = rng.normal(law.mean, law.sd)
        if law.min <= value <= law.max:
            return float(value)
    return float(min(max(law.mean, law.min), law.max))


def log_normal(rng: np.random.Generator, median: float, log_sd: float) -> float:
    return float(median * math.exp(rng.normal(0.0, log_sd)))


def exponential_days(rng: np.random.Generator, rate_per_day: float) -> float:
    """An exponential waiting time in days; infinite when the rate is 0."""
    if rate_per_day <= 0:
        return math.inf
    return float(rng.exponential(1.0 / rate_per_day))


def plus_days(day: dt.date, count: float) -> dt.date:
    """`day` plus a whole number of days (a fractional latent time is floored)."""
    return day + dt.timedelta(days=math.floor(count))
