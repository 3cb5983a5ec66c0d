"""`generate_cohort`: a seeded synthetic ESO-RT cohort, and the `Cohort` it returns.

This module owns the order of the whole simulation: allocation dates over
the accrual period; for each, candidates screened one after another until
the eligibility engine accepts one (the others are screen failures);
screening numbers per site in screening-date order; allocation in
allocation-date order through the platform's allocator; then each
allocated participant's course. `n` counts allocated participants, as the
trial's target enrolment does; screen failures come in addition.

The same scenario, protocol, n and seed always give the same cohort.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from oncotrial.design.cohort.assignment import Allocator
from oncotrial.design.cohort.calendar import allocation_dates
from oncotrial.design.cohort.course import CourseContext, follow
from oncotrial.design.cohort.draws import check_seed
from oncotrial.design.cohort.journeys import Disposition, Journey
from oncotrial.design.cohort.scenario import Scenario
from oncotrial.design.cohort.scenario_file import (
    check_against_protocol,
    default_scenario,
    load_scenario,
)
from oncotrial.design.cohort.screening import Candidate, screen_candidate, screening_context
from oncotrial.design.cohort.tidy_export import (
    METASTATIC_ORGAN_LEVELS,
    specimen_table,
    tidy_tables,
)
from oncotrial.protocol.loader import load_protocol
from oncotrial.protocol.schema import Protocol

Progress = Callable[[int, int], None]
# A scenario under which this many candidates in a row fail screening cannot fill the trial.
MAX_CONSECUTIVE_FAILURES = 10_000


@dataclass(frozen=True)
class Cohort:
    """A synthetic cohort: every screened candidate's journey, in screening order."""

    scenario: Scenario
    protocol: Protocol
    seed: int
    n: int
    journeys: tuple[Journey, ...]
    _tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False, compare=False)

    @property
    def participants(self) -> tuple[Journey, ...]:
        """The allocated participants, in allocation order."""
        allocated = [j for j in self.journeys if j.allocation is not None]
        return tuple(sorted(allocated, key=lambda j: j.allocation.sequence))  # type: ignore[union-attr]

    @property
    def screen_failures(self) -> tuple[Journey, ...]:
        return tuple(j for j in self.journeys if j.allocation is None)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Tidy per-domain tables (DM, IE, DS, EX, PR, TR, RS, AE, SS), each a fresh copy."""
        if not self._tables:
            levels = next(
                (
                    f.levels
                    for f in self.protocol.allocation.factors
                    if f.source == "metastatic_organ_count" and f.levels
                ),
                None,
            )
            self._tables.update(tidy_tables(self.journeys, levels or METASTATIC_ORGAN_LEVELS))
        return {domain: frame.copy() for domain, frame in self._tables.items()}

    def specimens(self) -> pd.DataFrame:
        """One row per specimen: id, participant, collection, time point, type, date."""
        return specimen_table(self.journeys)


def generate_cohort(
    scenario: Scenario | str | Path | None,
    n: int,
    seed: int,
    progress: Progress | None = None,
    *,
    protocol: Protocol | None = None,
) -> Cohort:
    """Simulate `n` allocated participants (and their screen failures) under `scenario`.

    `scenario` is a `Scenario`, a path to a scenario file, or None for the
    shipped default. `protocol` defaults to the file the scenario names.
    `progress(done, total)` is called as participants are completed.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a whole number 1 or more, got {n!r}")
    seed = check_seed(seed)
    if scenario is None:
        scenario = default_scenario()
    elif not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if protocol is None:
        protocol = load_protocol(scenario.protocol_path()).protocol
    check_against_protocol(scenario, protocol)
    if progress is not None:
        progress(0, n)

    context = screening_context(scenario, protocol)
    slots = allocation_dates(seed, n, scenario)
    candidates: list[Candidate] = []
    enrolled: list[int] = []  # candidate index of each slot's participant
    for slot in slots:
        for _ in range(MAX_CONSECUTIVE_FAILURES):
            candidate = screen_candidate(seed, len(candidates), context, slot)
            candidates.append(candidate)
            if candidate.screening.eligible:
                enrolled.append(len(candidates) - 1)
                break
        else:
            raise ValueError(
                f"{MAX_CONSECUTIVE_FAILURES} candidates in a row failed screening: "
                "the scenario cannot fill the trial"
            )

    numbers = _screening_numbers(candidates)
    allocator = Allocator(protocol, scenario, seed, capacity=n)
    course = CourseContext.of(scenario, protocol, seed)
    journeys: list[Journey] = [_screened(c, numbers[i]) for i, c in enumerate(candidates)]
    for done, (index, slot) in enumerate(zip(enrolled, slots, strict=True), start=1):
        candidate = candidates[index]
        allocation = allocator.allocate(index, candidate.site, candidate.screening, slot)
        journey = Journey(
            usubjid=numbers[index],
            site=candidate.site,
            sex=candidate.sex,
            date_of_birth=candidate.date_of_birth,
            screening=candidate.screening,
            allocation=allocation,
        )
        journeys[index] = follow(course, index, journey)
        if progress is not None:
            progress(done, n)
    return Cohort(scenario, protocol, seed, n, tuple(journeys))


def _screening_numbers(candidates: list[Candidate]) -> list[str]:
    """`<site>-<sequence>` per site in screening-date order, as the platform numbers them."""
    order = sorted(range(len(candidates)), key=lambda i: (candidates[i].screening.date, i))
    counters: dict[str, int] = {}
    numbers = [""] * len(candidates)
    for i in order:
        site = candidates[i].site
        counters[site] = counters.get(site, 0) + 1
        numbers[i] = f"{site}-{counters[site]:04d}"
    return numbers


def _screened(candidate: Candidate, usubjid: str) -> Journey:
    """A candidate's journey up to screening; a screen failure's ends there."""
    screening = candidate.screening
    dispositions: tuple[Disposition, ...] = ()
    if not screening.eligible:
        day: dt.date = screening.eligibility_date if screening.consent.given else screening.date
        dispositions = (Disposition("SCREEN_FAILURE", " ".join(screening.failure_reasons), day),)
    return Journey(
        usubjid=usubjid,
        site=candidate.site,
        sex=candidate.sex,
        date_of_birth=candidate.date_of_birth,
        screening=screening,
        dispositions=dispositions,
    )
