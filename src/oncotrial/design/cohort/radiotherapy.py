"""Radiotherapy courses: consolidation after the last cycle, salvage after progression.

This module owns what is irradiated, with which prescription, and when.
Consolidation (the consolidation arm, rules §1.4) treats the primary
tumour and involved regional nodes and, when the distant disease is within
the oligometastatic limits (`staging.within_oligometastatic_limits`, rules
§6.3), each metastatic organ; it starts within the scenario's window after
the last chemotherapy cycle, itself within the protocol's window. Salvage
follows a progression that no radiotherapy preceded, when the
multidisciplinary team recommends it. Fractions are given Monday to
Friday; a course stops early when observation ends (death, dropout, data
cut-off). Prescriptions: rules §7.3.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from oncotrial.clinical.staging import NCategory, within_oligometastatic_limits
from oncotrial.design.cohort.draws import chance, days, pick_item
from oncotrial.design.cohort.journeys import RadiotherapyCourse, RadiotherapyTarget, Screening
from oncotrial.design.cohort.scenario import Prescription, Scenario
from oncotrial.protocol.eligibility import DiseaseSetting

CONSOLIDATION = "consolidation"
SALVAGE = "salvage"
PRIMARY = "primary"
REGIONAL_NODES = "regional_nodes"
_ORGAN_LOCATION = {"lymph_nodes": "non_regional_nodes"}


def target_locations(scenario: Scenario, screening: Screening) -> tuple[tuple[str, bool], ...]:
    """(location, is a metastasis) of every consolidation target of the participant."""
    evidence = screening.evidence
    locations: list[tuple[str, bool]] = []
    if evidence.disease_setting is DiseaseSetting.INITIAL_DIAGNOSIS:
        locations.append((PRIMARY, False))
        if evidence.initial_n not in (None, NCategory.N0, NCategory.NX):
            locations.append((REGIONAL_NODES, False))
    organs = list(dict.fromkeys(m.organ for m in screening.metastases))
    if scenario.radiotherapy.irradiate_oligometastases and within_oligometastatic_limits(
        screening.metastases
    ):
        locations.extend((_ORGAN_LOCATION.get(organ, organ), True) for organ in organs)
    if not locations and organs:
        # Nothing local and not oligometastatic: the organ with most lesions.
        counts = {organ: 0 for organ in organs}
        for metastasis in screening.metastases:
            counts[metastasis.organ] += metastasis.lesions
        organ = max(organs, key=lambda name: counts[name])
        locations.append((_ORGAN_LOCATION.get(organ, organ), True))
    return tuple(locations)


def fraction_dates(start: dt.date, count: int) -> list[dt.date]:
    """`count` treatment days from `start`, Monday to Friday."""
    dates, day = [], start
    while len(dates) < count:
        if day.weekday() < 5:
            dates.append(day)
        day += dt.timedelta(days=1)
    return dates


def next_weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _draw(rng: np.random.Generator, options: list[Prescription]) -> Prescription:
    return pick_item(rng, options, [option.share for option in options])


def course(
    intent: str,
    start: dt.date,
    plan: list[tuple[str, Prescription]],
    end_of_observation: dt.date,
) -> RadiotherapyCourse | None:
    """The course as delivered: fractions before the end of observation only."""
    targets = []
    last = start
    completed = True
    for location, prescription in plan:
        planned = fraction_dates(start, prescription.fractions)
        given = [day for day in planned if day < end_of_observation]
        if not given:
            continue
        completed &= len(given) == len(planned)
        last = max(last, given[-1])
        per_fraction = prescription.total_gy / prescription.fractions
        targets.append(
            RadiotherapyTarget(
                location,
                round(per_fraction * len(given), 2),
                len(given),
                prescription.total_gy,
                prescription.fractions,
            )
        )
    if not targets:
        return None
    return RadiotherapyCourse(intent, start, last, tuple(targets), completed)


def consolidation_course(
    rng: np.random.Generator,
    scenario: Scenario,
    screening: Screening,
    last_cycle: dt.date,
    progression: dt.date | None,
    end_of_observation: dt.date,
) -> RadiotherapyCourse | None:
    """Consolidation after the last chemotherapy cycle, unless progression comes first."""
    settings = scenario.radiotherapy
    delivered = chance(rng, settings.consolidation_delivered_share)
    delay = days(rng, settings.consolidation_start_days_after_last_cycle)
    start = next_weekday(last_cycle + dt.timedelta(days=max(delay, 1)))
    plan = _plan(rng, scenario, screening)
    if not delivered or (progression is not None and start >= progression):
        return None
    return course(CONSOLIDATION, start, plan, end_of_observation)


def salvage_course(
    rng: np.random.Generator,
    scenario: Scenario,
    screening: Screening,
    progression: dt.date | None,
    end_of_observation: dt.date,
) -> RadiotherapyCourse | None:
    """Salvage after progression when the multidisciplinary team recommends it."""
    settings = scenario.radiotherapy
    recommended = chance(rng, settings.salvage_recommendation_share)
    delay = days(rng, settings.salvage_start_days_after_progression)
    prescription = _draw(rng, settings.salvage)
    if progression is None or not recommended:
        return None
    start = next_weekday(progression + dt.timedelta(days=max(delay, 1)))
    locations = target_locations(scenario, screening)
    location = locations[0][0] if locations else PRIMARY
    return course(SALVAGE, start, [(location, prescription)], end_of_observation)


def _plan(
    rng: np.random.Generator, scenario: Scenario, screening: Screening
) -> list[tuple[str, Prescription]]:
    settings = scenario.radiotherapy
    local = _draw(rng, settings.consolidation_primary)
    plan = []
    for location, metastasis in target_locations(scenario, screening):
        prescription = _draw(rng, settings.consolidation_metastases) if metastasis else local
        plan.append((location, prescription))
    return plan


def course_until(course_record: RadiotherapyCourse, end: dt.date) -> RadiotherapyCourse | None:
    """A course cut at `end` (observation ended earlier than first drawn)."""
    plan = [
        (
            target.location,
            Prescription(total_gy=target.planned_gy, fractions=target.planned_fractions, share=1.0),
        )
        for target in course_record.targets
    ]
    return course(course_record.intent, course_record.start, plan, end)
