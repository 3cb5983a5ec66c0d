"""Monte Carlo operating characteristics of a (group-sequential) log-rank design.

This module owns the simulation study: it draws trials under a
`SurvivalScenario`, analyses each at every planned look with the vectorised
log-rank test, applies the boundaries, and summarises power or type I error,
the probability of stopping at each look, and the expected events, duration
and enrolment at the analysis that ends the trial.

Looks are event-driven (the k-th analysis when `events[k]` events have been
observed) or at fixed calendar `times`. Z > 0 favours the experimental arm.
One-sided: reject at look k when Z_k >= efficacy[k]; stop for futility when
Z_k < futility[k] (looks before the last). Two-sided: reject when
|Z_k| >= efficacy[k]. The simulation applies the futility bounds as
written; with non-binding bounds the type I error estimated this way is at
most alpha.

Work is done in chunks of trials (a loop over chunks, never over trials) so
memory stays bounded and `progress(done, total)` can be called after each.
The Monte Carlo standard error of a rate p over M trials is sqrt(p (1 - p) / M).
Results are reproducible for a given seed and chunk size.

Source: statistics-and-standards.md section 6.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from oncotrial.design.logrank import logrank
from oncotrial.design.survival_trials import (
    SimulatedTrials,
    SurvivalScenario,
    cut,
    event_driven_cutoff,
    simulate_trials,
)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class OperatingCharacteristics:
    """Summary of a simulation study of one scenario and one set of boundaries.

    `reject_rate` is the power (or the type I error when the hazard ratio is
    1), with Monte Carlo standard error `reject_se`. `stop_efficacy[k]` and
    `stop_futility[k]` are the probabilities of stopping at look k through
    each boundary; the remaining trials end at the last look without
    rejecting. `expected_*` are means over trials at the analysis that ends
    each trial. `target_missed` is the share of trials in which some
    event-driven look never reached its event count (analysed when follow-up
    ended instead).
    """

    scenario: SurvivalScenario
    n_trials: int
    seed: int
    sided: int
    look_type: str
    looks: tuple[float, ...]
    efficacy: tuple[float, ...]
    futility: tuple[float, ...] | None
    reject_rate: float
    reject_se: float
    stop_efficacy: tuple[float, ...]
    stop_futility: tuple[float, ...]
    expected_events: float
    expected_duration: float
    expected_patients: float
    target_missed: float

    @property
    def stop_probability(self) -> tuple[float, ...]:
        """Probability that the trial ends at each look (the last look ends every trial left)."""
        early = [e + f for e, f in zip(self.stop_efficacy, self.stop_futility, strict=True)]
        early[-1] = 1.0 - sum(early[:-1])
        return tuple(early)


def _as_bounds(values: Sequence[float], k: int, name: str) -> tuple[float, ...]:
    out = tuple(float(v) for v in values)
    if len(out) != k:
        raise ValueError(f"{name} must have one bound per look ({k}); got {len(out)}")
    if any(math.isnan(v) for v in out):
        raise ValueError(f"{name} must not contain NaN")
    return out


def _looks(
    events: Sequence[int] | None, times: Sequence[float] | None, n_patients: int
) -> tuple[str, tuple[float, ...]]:
    if (events is None) == (times is None):
        raise ValueError("events/times: give exactly one of events (event-driven looks) or times")
    if events is not None:
        values = tuple(events)
        if not values or any(
            not isinstance(d, int | np.integer) or not 1 <= d <= n_patients for d in values
        ):
            raise ValueError(
                f"events must be whole numbers between 1 and {n_patients}; got {values}"
            )
        look_type = "events"
    else:
        values = tuple(float(t) for t in times or ())
        if not values or any(not math.isfinite(t) or t <= 0 for t in values):
            raise ValueError(f"times must be positive finite calendar times; got {values}")
        look_type = "times"
    if any(b <= a for a, b in itertools.pairwise(values)):
        raise ValueError(f"{look_type} must be strictly increasing; got {values}")
    return look_type, values


@dataclass
class _Tally:
    stop_efficacy: np.ndarray
    stop_futility: np.ndarray
    events: float = 0.0
    duration: float = 0.0
    patients: float = 0.0
    missed: int = 0


def _run_chunk(
    trials: SimulatedTrials,
    look_type: str,
    looks: tuple[float, ...],
    efficacy: tuple[float, ...],
    futility: tuple[float, ...] | None,
    sided: int,
    tally: _Tally,
) -> None:
    active = np.arange(trials.n_trials)
    missed = np.zeros(trials.n_trials, dtype=bool)
    last = len(looks) - 1
    for k, look in enumerate(looks):
        rows = trials.rows(active)
        if look_type == "events":
            cutoff = event_driven_cutoff(rows, int(look))
        else:
            cutoff = np.full(rows.n_trials, look)
        data = cut(rows, cutoff)
        if look_type == "events":
            missed[active] |= data.events < look
        z = logrank(data.time, data.event, data.experimental, data.included).z
        reject = (np.abs(z) if sided == 2 else z) >= efficacy[k]
        if futility is not None and k < last:
            give_up = ~reject & (z < futility[k])
        else:
            give_up = np.zeros_like(reject)
        stop = reject | give_up if k < last else np.ones_like(reject)
        tally.stop_efficacy[k] += reject.sum()
        tally.stop_futility[k] += give_up.sum()
        tally.events += data.events[stop].sum()
        tally.duration += data.cutoff[stop].sum()
        tally.patients += data.enrolled[stop].sum()
        active = active[~stop]
        if active.size == 0:
            break
    tally.missed += int(missed.sum())


def operating_characteristics(
    scenario: SurvivalScenario,
    *,
    efficacy: Sequence[float],
    events: Sequence[int] | None = None,
    times: Sequence[float] | None = None,
    futility: Sequence[float] | None = None,
    sided: int = 1,
    n_trials: int = 10_000,
    seed: int = 1,
    chunk_size: int = 10_000,
    progress: Progress | None = None,
) -> OperatingCharacteristics:
    """Simulate `n_trials` trials of `scenario` and apply the boundaries at each look.

    Give the looks as `events` (event-driven) or calendar `times`, and one
    efficacy bound per look (a fixed design has one look: e.g.
    ``efficacy=[norm.ppf(1 - alpha)]``). `progress(done, total)` is called
    after each chunk of trials.
    """
    look_type, looks = _looks(events, times, scenario.n_patients)
    k = len(looks)
    eff = _as_bounds(efficacy, k, "efficacy")
    fut = None if futility is None else _as_bounds(futility, k, "futility")
    if sided not in (1, 2):
        raise ValueError(f"sided must be 1 or 2; got {sided!r}")
    if sided == 2 and fut is not None:
        raise ValueError("futility: futility bounds are for one-sided designs only")
    if not isinstance(n_trials, int | np.integer) or n_trials < 1:
        raise ValueError(f"n_trials must be a whole number >= 1; got {n_trials!r}")
    if not isinstance(chunk_size, int | np.integer) or chunk_size < 1:
        raise ValueError(f"chunk_size must be a whole number >= 1; got {chunk_size!r}")
    if not isinstance(seed, int | np.integer):
        raise ValueError(f"seed must be a whole number; got {seed!r}")

    rng = np.random.default_rng(seed)
    tally = _Tally(np.zeros(k), np.zeros(k))
    done = 0
    while done < n_trials:
        size = min(chunk_size, n_trials - done)
        trials = simulate_trials(scenario, size, rng)
        _run_chunk(trials, look_type, looks, eff, fut, sided, tally)
        done += size
        if progress is not None:
            progress(done, n_trials)

    m = float(n_trials)
    reject = float(tally.stop_efficacy.sum() / m)
    return OperatingCharacteristics(
        scenario=scenario,
        n_trials=int(n_trials),
        seed=int(seed),
        sided=sided,
        look_type=look_type,
        looks=looks,
        efficacy=eff,
        futility=fut,
        reject_rate=reject,
        reject_se=math.sqrt(reject * (1.0 - reject) / m),
        stop_efficacy=tuple(float(x) for x in tally.stop_efficacy / m),
        stop_futility=tuple(float(x) for x in tally.stop_futility / m),
        expected_events=float(tally.events / m),
        expected_duration=float(tally.duration / m),
        expected_patients=float(tally.patients / m),
        target_missed=tally.missed / m,
    )
