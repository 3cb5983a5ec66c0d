"""Simulated two-arm survival trials and their data at an analysis cut-off, many at once.

This module owns the data-generating model of the Monte Carlo operating
characteristics: uniform accrual over `accrual_time`, exponential event times
in each arm (control median, hazard ratio experimental/control), independent
exponential dropout, and administrative censoring at an analysis cut-off that
is either a calendar time or the calendar time of the D-th observed event.
Arrays have one row per trial and one column per patient. Allocation is
fixed by position (the first round(N p) patients are experimental): entry
and event times are exchangeable across columns, so this equals a random
allocation with exactly that many patients per arm, as permuted blocks give.

Source: statistics-and-standards.md section 6 (the standard simulation
approach of simtrial, nphsim and rpact ``getSimulationSurvival``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from oncotrial.design.sample_size import experimental_fraction, hazard_from_median


@dataclass(frozen=True)
class SurvivalScenario:
    """One set of trial assumptions. Times share one unit (months here).

    `dropout_hazard` is per time unit, the same in both arms
    (``sample_size.hazard_from_probability(0.05, 12)`` for 5 % a year in
    months). `ratio` is the experimental:control allocation ratio.
    """

    n_patients: int
    accrual_time: float
    median_control: float
    hazard_ratio: float
    dropout_hazard: float = 0.0
    ratio: float = 1.0

    def __post_init__(self) -> None:
        if (
            not isinstance(self.n_patients, int | np.integer)
            or isinstance(self.n_patients, bool)
            or self.n_patients < 2
        ):
            raise ValueError(f"n_patients must be a whole number >= 2; got {self.n_patients!r}")
        for name in ("median_control", "hazard_ratio", "ratio"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a finite number greater than 0; got {value!r}")
        for name in ("accrual_time", "dropout_hazard"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a finite number, 0 or more; got {value!r}")
        if not 1 <= self.n_experimental <= self.n_patients - 1:
            raise ValueError(
                f"ratio {self.ratio!r} leaves an arm empty with {self.n_patients} patients"
            )

    @property
    def n_experimental(self) -> int:
        """Patients allocated to the experimental arm: N p rounded."""
        return round(self.n_patients * experimental_fraction(self.ratio))

    @property
    def experimental(self) -> np.ndarray:
        """One row marking the experimental patients (True) by column."""
        return np.arange(self.n_patients) < self.n_experimental


@dataclass(frozen=True)
class SimulatedTrials:
    """Latent times for many trials: entry (calendar), event and dropout (from entry)."""

    entry: np.ndarray
    event_time: np.ndarray
    dropout_time: np.ndarray
    experimental: np.ndarray

    @property
    def n_trials(self) -> int:
        return int(self.entry.shape[0])

    @property
    def event_calendar_time(self) -> np.ndarray:
        """Calendar time of each observable event (inf when dropout comes first)."""
        return np.where(self.event_time <= self.dropout_time, self.entry + self.event_time, np.inf)

    @property
    def end_of_follow_up(self) -> np.ndarray:
        """Calendar time at which every patient of the trial has had an event or dropped out."""
        return (self.entry + np.minimum(self.event_time, self.dropout_time)).max(axis=1)

    def rows(self, index: np.ndarray | slice) -> SimulatedTrials:
        """The trials in `index` only."""
        return SimulatedTrials(
            self.entry[index], self.event_time[index], self.dropout_time[index], self.experimental
        )


@dataclass(frozen=True)
class AnalysisData:
    """Each trial's data at its cut-off: follow-up time, event flag, who is enrolled."""

    cutoff: np.ndarray
    time: np.ndarray
    event: np.ndarray
    included: np.ndarray
    experimental: np.ndarray

    @property
    def events(self) -> np.ndarray:
        return self.event.sum(axis=1)

    @property
    def enrolled(self) -> np.ndarray:
        return self.included.sum(axis=1)


def simulate_trials(
    scenario: SurvivalScenario, n_trials: int, rng: np.random.Generator
) -> SimulatedTrials:
    """Draw `n_trials` trials under `scenario` with the generator `rng`."""
    if not isinstance(n_trials, int | np.integer) or n_trials < 1:
        raise ValueError(f"n_trials must be a whole number >= 1; got {n_trials!r}")
    shape = (int(n_trials), scenario.n_patients)
    experimental = scenario.experimental
    lam_c = hazard_from_median(scenario.median_control)
    hazard = np.where(experimental, lam_c * scenario.hazard_ratio, lam_c)
    entry = rng.random(shape) * scenario.accrual_time
    event_time = rng.standard_exponential(shape) / hazard
    if scenario.dropout_hazard > 0:
        dropout_time = rng.standard_exponential(shape) / scenario.dropout_hazard
    else:
        dropout_time = np.full(shape, np.inf)
    return SimulatedTrials(entry, event_time, dropout_time, experimental)


def event_driven_cutoff(trials: SimulatedTrials, events: int) -> np.ndarray:
    """Calendar time of each trial's `events`-th observed event.

    A trial that never reaches that many events (dropout) is analysed when
    its last patient's follow-up ends.
    """
    n = trials.entry.shape[1]
    if not isinstance(events, int | np.integer) or not 1 <= events <= n:
        raise ValueError(f"events must be a whole number between 1 and {n}; got {events!r}")
    calendar = trials.event_calendar_time
    kth = np.partition(calendar, events - 1, axis=1)[:, events - 1]
    return np.where(np.isfinite(kth), kth, trials.end_of_follow_up)


def cut(trials: SimulatedTrials, cutoff: np.ndarray | float) -> AnalysisData:
    """The data each trial would have at calendar time `cutoff` (one per trial, or shared)."""
    cutoff = np.broadcast_to(np.asarray(cutoff, dtype=float), (trials.n_trials,))
    window = cutoff[:, None] - trials.entry
    included = window > 0
    # Compare calendar times exactly as event_driven_cutoff computed them: (entry + T) - entry
    # can differ from T in the last bit and would censor the event that set the cut-off.
    event = (
        (trials.event_time <= trials.dropout_time)
        & (trials.entry + trials.event_time <= cutoff[:, None])
        & included
    )
    observed = np.where(event, trials.event_time, np.minimum(trials.dropout_time, window))
    return AnalysisData(
        cutoff=cutoff,
        time=np.where(included, observed, 0.0),
        event=event,
        included=included,
        experimental=trials.experimental,
    )
