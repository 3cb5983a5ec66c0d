"""Survival: latent event times, what is observed of them, contacts and dispositions.

This module owns the time-to-event model of a participant after allocation
(days from allocation):

* the PFS event at an exponential time with the salvage arm's median and
  the consolidation arm's hazard ratio (rules §8.1, §8.3); a set share of
  PFS events are deaths, the rest progressions;
* after a progression, death at an exponential time with the
  post-progression median;
* dropout (withdrawal of consent or loss to follow-up) at an exponential
  time with the yearly rate (statistics §6), and administrative censoring
  at the data cut-off.

A progression is only seen at the next tumour assessment (`tumour`); the
survival follow-up contacts are the protocol's survival-status visits.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from oncotrial.design.cohort.calendar import ScheduledVisit
from oncotrial.design.cohort.draws import chance, exponential_days, plus_days
from oncotrial.design.cohort.journeys import Disposition, SurvivalContact
from oncotrial.design.cohort.scenario import DAYS_PER_MONTH, Survival

WITHDRAWN = "WITHDRAWN"
LOST_TO_FOLLOW_UP = "LOST_TO_FOLLOW_UP"


@dataclass(frozen=True)
class LatentTimes:
    """Simulated times in days from allocation (infinite: never)."""

    pfs: float
    progression: float | None
    death: float
    dropout: float
    dropout_kind: str


def hazard_per_day(median_months: float) -> float:
    return math.log(2) / (median_months * DAYS_PER_MONTH)


def pfs_hazard_per_day(survival: Survival, consolidation: bool) -> float:
    """The PFS hazard of an arm: the salvage arm's, times the hazard ratio for consolidation."""
    ratio = survival.pfs_hazard_ratio if consolidation else 1.0
    return hazard_per_day(survival.pfs_median_months) * ratio


def dropout_per_day(survival: Survival) -> float:
    return -math.log1p(-survival.dropout_per_year) / 365.25


def latent_times(rng: np.random.Generator, survival: Survival, consolidation: bool) -> LatentTimes:
    pfs = exponential_days(rng, pfs_hazard_per_day(survival, consolidation))
    dies_first = chance(rng, survival.death_without_progression_share)
    after = exponential_days(rng, hazard_per_day(survival.post_progression_median_months))
    dropout = exponential_days(rng, dropout_per_day(survival))
    kind = WITHDRAWN if chance(rng, survival.withdrawal_share_of_dropout) else LOST_TO_FOLLOW_UP
    if dies_first:
        return LatentTimes(pfs, None, pfs, dropout, kind)
    return LatentTimes(pfs, pfs, pfs + after, dropout, kind)


@dataclass(frozen=True)
class Observation:
    """What the trial sees: the end of observation and why it ended."""

    end: dt.date
    death: dt.date | None
    dropout: dt.date | None
    dropout_kind: str | None


def observe(
    allocation: dt.date, death: dt.date, dropout: float, dropout_kind: str, cutoff: dt.date
) -> Observation:
    """Observation ends at the earliest of death, dropout and the data cut-off."""
    dropped = plus_days(allocation, dropout) if math.isfinite(dropout) else None
    if death <= cutoff and (dropped is None or death <= dropped):
        return Observation(death, death, None, None)
    if dropped is not None and dropped < cutoff:
        return Observation(dropped, None, dropped, dropout_kind)
    return Observation(cutoff, None, None, None)


def death_date(allocation: dt.date, times: LatentTimes) -> dt.date:
    """The latent death as a date; far in the future when it never happens in practice."""
    days = min(times.death, 365.25 * 100)
    return plus_days(allocation, days)


def survival_contacts(
    rng: np.random.Generator,
    visits: Sequence[ScheduledVisit],
    allocation: dt.date,
    observation: Observation,
    cutoff: dt.date,
) -> tuple[SurvivalContact, ...]:
    """Survival-status visits (the protocol's, `scheduled_visits(protocol, "survival_status")`)
    while alive and followed, the death, and the cut-off sweep."""
    contacts = []
    for visit in visits:
        low, high = visit.window
        day = allocation + dt.timedelta(days=visit.day + int(rng.integers(low, high + 1)))
        if day >= observation.end:
            break
        contacts.append(SurvivalContact(day, "ALIVE", visit.id))
    if observation.death is not None:
        contacts.append(SurvivalContact(observation.death, "DEAD", "DEATH"))
    elif observation.dropout is None:
        # Before the analysis, everyone still followed is contacted at the cut-off.
        contacts.append(SurvivalContact(cutoff, "ALIVE", "CUTOFF"))
    return tuple(contacts)


def dispositions(
    allocation: dt.date,
    first_dose: dt.date | None,
    observation: Observation,
    death_cause: str,
    cutoff: dt.date,
) -> tuple[Disposition, ...]:
    """The milestones of an allocated participant, in date order."""
    records = [Disposition("ALLOCATED", "Allocated", allocation)]
    if first_dose is not None:
        records.append(Disposition("TREATED", "First dose of study treatment", first_dose))
    if observation.death is not None:
        records.append(Disposition("DEATH", death_cause, observation.death))
    elif observation.dropout is not None:
        term = (
            "Withdrew consent to further follow-up"
            if observation.dropout_kind == WITHDRAWN
            else "Lost to follow-up"
        )
        records.append(Disposition(str(observation.dropout_kind), term, observation.dropout))
    else:
        records.append(Disposition("COMPLETED", "Followed to the data cut-off", cutoff))
    return tuple(records)
