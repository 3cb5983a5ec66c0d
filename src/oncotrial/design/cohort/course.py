"""One allocated participant's course, from allocation to the end of observation.

This module owns the order in which a journey after allocation is put
together and kept consistent: latent survival times, the tumour
assessments up to the end of observation (progression is seen at the
first assessment after its latent time), systemic doses until progression,
radiotherapy (consolidation after the last planned cycle, salvage after a
progression no radiotherapy preceded), adverse events from those
exposures, and then, if an adverse event was fatal, everything cut again
at that death. The response engines run last, on the final measurements.
Each part draws from its own random stream, so re-planning a part after a
fatal event reproduces everything before the death.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from oncotrial.clinical.recist_settings import ResponseSettings
from oncotrial.design.cohort import lesions as enrolment
from oncotrial.design.cohort import radiotherapy, safety, survival, tumour
from oncotrial.design.cohort.calendar import ScheduledVisit, scheduled_visits
from oncotrial.design.cohort.draws import stream
from oncotrial.design.cohort.journeys import (
    Dose,
    Journey,
    Outcome,
    RadiotherapyCourse,
    Screening,
    TumourCourse,
)
from oncotrial.design.cohort.scans import scan_schedule
from oncotrial.design.cohort.scenario import Scenario
from oncotrial.design.cohort.specimens import specimens
from oncotrial.design.cohort.treatment import CHEMOTHERAPY, PD1, CycleSchedule, systemic_doses
from oncotrial.protocol.schema import Protocol


@dataclass(frozen=True)
class CourseContext:
    """What every course needs, prepared once per cohort."""

    scenario: Scenario
    protocol: Protocol
    settings: ResponseSettings
    seed: int
    cycles: CycleSchedule
    survival_visits: tuple[ScheduledVisit, ...]

    @classmethod
    def of(cls, scenario: Scenario, protocol: Protocol, seed: int) -> CourseContext:
        return cls(
            scenario,
            protocol,
            tumour.response_settings(protocol),
            seed,
            CycleSchedule.of(protocol),
            scheduled_visits(protocol, "survival_status"),
        )

    def intent(self, arm: str) -> str:
        return self.protocol.arm(arm).radiotherapy_intent


def follow(
    context: CourseContext,
    index: int,
    journey: Journey,
) -> Journey:
    """The journey of an allocated participant, completed after allocation."""
    scenario, seed = context.scenario, context.seed
    allocation = journey.allocation
    assert allocation is not None
    screening = journey.screening
    day0 = allocation.date
    cutoff = scenario.calendar.data_cutoff
    consolidation = context.intent(allocation.arm) == radiotherapy.CONSOLIDATION
    times = survival.latent_times(stream(seed, "survival", index), scenario.survival, consolidation)
    seen = survival.observe(
        day0, survival.death_date(day0, times), times.dropout, times.dropout_kind, cutoff
    )

    # Tumour: the lesions, latent trajectory and scan schedule do not depend on the end.
    rng = stream(seed, "tumour", index)
    # Lesions the consolidation course will treat are flagged from the start (rules §2.10).
    locations = radiotherapy.target_locations(scenario, screening) if consolidation else ()
    irradiated = frozenset(location for location, _ in locations)
    lesions, base = enrolment.baseline_lesions(
        rng, scenario, screening, context.settings, irradiated
    )
    path = tumour.trajectory(rng, scenario, allocation.arm, lesions)
    baseline_date = screening.procedure_dates["imaging"]
    scans = scan_schedule(rng, scenario, context.protocol, context.settings, day0, baseline_date)
    progression_latent = tumour.latent_date(day0, times.progression)

    def plan(end: dt.date) -> TumourCourse:
        return tumour.plan_course(
            stream(seed, "course", index),
            lesions,
            base,
            path,
            baseline_date,
            scans,
            progression_latent,
            end,
            scenario.tumour.unevaluable_assessment_share,
        )

    course = plan(seen.end)
    progression = course.intended_progression_date
    doses = systemic_doses(
        stream(seed, "treatment", index),
        scenario,
        context.cycles,
        screening,
        day0,
        min(progression or seen.end, seen.end),
    )
    courses = _radiotherapy(context, index, screening, consolidation, doses, progression, seen.end)

    exposed = safety.exposures(doses, courses, screening.induction.regimen)
    collection = context.protocol.settings.safety.ae_collection_days_after_last_dose
    harms = safety.adverse_events(
        stream(seed, "safety", index), scenario, exposed, seen.end, collection
    )
    events = harms.events
    death_cause = _death_cause(times, progression)
    if harms.death is not None:
        # A fatal adverse event: observation ends at that death; cut everything there.
        seen = survival.observe(day0, harms.death, times.dropout, times.dropout_kind, cutoff)
        death_cause = f"Adverse event: {harms.fatal_term}"
        course = plan(seen.end)
        progression = course.intended_progression_date
        doses = tuple(dose for dose in doses if dose.date < seen.end)
        courses = tuple(
            cut for c in courses if (cut := radiotherapy.course_until(c, seen.end)) is not None
        )
        events = safety.truncated(events, seen.end)
    if harms.pd1_stop is not None:
        # rules §4.4: the PD-1 inhibitor is stopped for good after such an event.
        doses = tuple(d for d in doses if d.category != PD1 or d.date <= harms.pd1_stop)

    course = tumour.with_responses(course, context.settings)
    found = specimens(
        stream(seed, "specimens", index),
        scenario,
        context.protocol,
        journey.usubjid,
        screening.consent.optional,
        min(screening.procedure_dates.values()),
        courses,
        progression,
        seen.end,
    )
    contacts = survival.survival_contacts(
        stream(seed, "contacts", index), context.survival_visits, day0, seen, cutoff
    )
    first_dose = min((dose.date for dose in doses), default=None)
    dispositions = survival.dispositions(day0, first_dose, seen, death_cause, cutoff)
    dated = [
        day0,
        *(a.date for a in course.assessments[1:]),
        *(dose.date for dose in doses),
        *(c.end for c in courses),
        *(event.start for event in events),
        *(s.date for s in found),
        *(c.date for c in contacts),
    ]
    outcome = Outcome(
        pfs_latent_days=times.pfs,
        progression_latent_days=times.progression,
        death_latent_days=times.death,
        dropout_latent_days=times.dropout,
        death_date=seen.death,
        death_cause=death_cause if seen.death is not None else "",
        dropout_date=seen.dropout,
        dropout_kind=seen.dropout_kind,
        end_of_observation=seen.end,
        last_contact=max(dated),
    )
    return Journey(
        usubjid=journey.usubjid,
        site=journey.site,
        sex=journey.sex,
        date_of_birth=journey.date_of_birth,
        screening=screening,
        allocation=allocation,
        doses=doses,
        radiotherapy=courses,
        tumour=course,
        adverse_events=events,
        specimens=found,
        survival_contacts=contacts,
        dispositions=dispositions,
        outcome=outcome,
    )


def _radiotherapy(
    context: CourseContext,
    index: int,
    screening: Screening,
    consolidation: bool,
    doses: tuple[Dose, ...],
    progression: dt.date | None,
    end: dt.date,
) -> tuple[RadiotherapyCourse, ...]:
    scenario = context.scenario
    rng = stream(context.seed, "radiotherapy", index)
    courses: list[RadiotherapyCourse] = []
    chemo = sorted(
        {dose.cycle: dose.date for dose in doses if dose.category == CHEMOTHERAPY}.items()
    )
    planned = max(scenario.treatment.total_chemotherapy_cycles - screening.induction.cycles, 0)
    last_cycle = chemo[-1][1] if chemo else screening.planned_allocation_date
    first = radiotherapy.consolidation_course(
        rng, scenario, screening, last_cycle, progression, end
    )
    # "After all planned cycles" (rules §1.4): not when chemotherapy stopped early.
    if consolidation and first is not None and len(chemo) == planned:
        courses.append(first)
    second = radiotherapy.salvage_course(rng, scenario, screening, progression, end)
    if second is not None and progression is not None and not courses:
        courses.append(second)
    return tuple(courses)


def _death_cause(times: survival.LatentTimes, progression: dt.date | None) -> str:
    if times.progression is not None or progression is not None:
        return "Disease progression"
    return "Death without progression"
