"""Trial calendar: accrual, the data cut-off, and the protocol's visits as dated targets.

This module owns when things may happen: the allocation dates of the n
participants (uniform over the accrual period, as a Poisson accrual process
given its count), and the protocol schedule's visits that carry a given
assessment (systemic therapy, tumour assessment, survival status), with
their target day from allocation and window. The schedule itself is the
protocol's `[schedule]`, never a constant here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from oncotrial.design.cohort.draws import stream
from oncotrial.design.cohort.scenario import Scenario
from oncotrial.protocol.schema import Protocol


@dataclass(frozen=True)
class ScheduledVisit:
    """One occurrence of a protocol visit: its id, target day from allocation and window."""

    id: str
    day: int
    window: tuple[int, int]


def allocation_dates(seed: int, n: int, scenario: Scenario) -> list[dt.date]:
    """n allocation dates, sorted, uniform over the accrual period.

    The first allocation leaves room for the longest screening before it, so
    no candidate is screened before the study starts.
    """
    calendar = scenario.calendar
    earliest = scenario.screening.days_consent_to_allocation.max
    span = calendar.accrual_days - earliest
    if span <= 0:
        raise ValueError(
            "calendar.accrual_months: the accrual period is shorter than the screening period"
        )
    rng = stream(seed, "calendar")
    offsets = sorted(int(day) for day in rng.integers(0, span + 1, size=n))
    return [calendar.study_start + dt.timedelta(days=earliest + day) for day in offsets]


def scheduled_visits(protocol: Protocol, assessment: str) -> tuple[ScheduledVisit, ...]:
    """Every occurrence of the visits that include `assessment`, by target day."""
    found = [
        ScheduledVisit(visit_id, day, visit.window)
        for visit in protocol.schedule.visits
        if assessment in visit.assessments
        for visit_id, _, day in visit.occurrences()
    ]
    return tuple(sorted(found, key=lambda visit: visit.day))


def repeat_interval(protocol: Protocol, assessment: str, default: int) -> int:
    """The repeat interval of the first repeating visit that includes `assessment`."""
    for visit in protocol.schedule.visits:
        if assessment in visit.assessments and visit.repeat is not None:
            return visit.repeat.every
    return default
