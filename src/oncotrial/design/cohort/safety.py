"""Adverse events: CTCAE v5.0 terms at the scenario's rates among the exposed.

This module owns which adverse events a participant has, their worst grade,
onset and resolution, attribution to each treatment, seriousness and
whether they are immune-related. Terms and grades are checked against
`oncotrial.clinical.ctcae` when the scenario is read (and again here), so
every event names a CTCAE v5.0 term at a grade defined for it; seriousness
criteria and attribution levels are those of `oncotrial.clinical.seriousness`
(rules §4.3: seriousness is independent of grade).

One record per term and participant: the same term caused by two
treatments (pneumonitis after radiotherapy and a PD-1 inhibitor, rules
§4.4) is one event, attributed to both. A fatal event ends observation
at death; one whose death would fall after the end of observation is
recorded at the highest non-fatal grade. Events are collected until the
protocol's window after the last dose ([settings.safety]).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from oncotrial.clinical import ctcae
from oncotrial.clinical.seriousness import Attribution, SeriousnessCriterion, is_serious
from oncotrial.design.cohort.draws import chance, days, pick
from oncotrial.design.cohort.journeys import AdverseEvent, Dose, RadiotherapyCourse
from oncotrial.design.cohort.scenario import AdverseEventSpec, Scenario

EXPOSURES = ("radiotherapy", "chemotherapy", "pd1")
_RANK = ("", *(a.value for a in Attribution))  # "" = not given before onset


@dataclass(frozen=True)
class Exposures:
    """First and last day of each treatment, None when not given."""

    chemotherapy: tuple[dt.date, dt.date] | None
    pd1: tuple[dt.date, dt.date] | None
    radiotherapy: tuple[dt.date, dt.date] | None
    regimen: str

    def window(self, exposure: str) -> tuple[dt.date, dt.date] | None:
        return getattr(self, exposure)

    @property
    def last_dose(self) -> dt.date | None:
        ends = [w[1] for w in (self.chemotherapy, self.pd1, self.radiotherapy) if w]
        return max(ends, default=None)


def exposures(
    doses: Sequence[Dose], courses: Sequence[RadiotherapyCourse], regimen: str
) -> Exposures:
    def span(dates: list[dt.date]) -> tuple[dt.date, dt.date] | None:
        return (min(dates), max(dates)) if dates else None

    return Exposures(
        chemotherapy=span([d.date for d in doses if d.category == "chemotherapy"]),
        pd1=span([d.date for d in doses if d.category == "pd1"]),
        radiotherapy=span([c.start for c in courses] + [c.end for c in courses]),
        regimen=regimen,
    )


@dataclass(frozen=True)
class SafetyOutcome:
    events: tuple[AdverseEvent, ...]
    death: dt.date | None  # a fatal adverse event's death, within observation
    fatal_term: str
    pd1_stop: dt.date | None  # PD-1 permanently stopped at this onset (rules §4.4)


def adverse_events(
    rng: np.random.Generator,
    scenario: Scenario,
    exposed: Exposures,
    end: dt.date,
    collection_days: int,
) -> SafetyOutcome:
    """The adverse events observed before `end` (death, dropout or the data cut-off)."""
    safety = scenario.safety
    last_dose = exposed.last_dose
    raw: list[tuple[AdverseEventSpec, AdverseEvent, dt.date | None]] = []
    for spec in safety.events:
        window = exposed.window(spec.exposure)
        if window is None or (spec.regimens and exposed.regimen not in spec.regimens):
            continue
        if not chance(rng, spec.incidence):
            continue
        grade = int(pick(rng, {str(g): s for g, s in enumerate(spec.grades, start=1)}))
        first, last = window
        span = (last - first).days + spec.tail_days
        onset = first + dt.timedelta(days=int(rng.integers(0, span + 1)))
        lasting = max(1, round(spec.duration_median_days * math.exp(rng.normal(0.0, 0.6))))
        to_death = days(rng, safety.grade_5_days_to_death)
        attribution = pick(rng, safety.attribution)
        hospitalised = chance(
            rng,
            {2: safety.hospitalisation_share_grade_2, 3: safety.hospitalisation_share_grade_3}.get(
                grade, 0.0
            ),
        )
        if onset >= end or last_dose is None:
            continue
        if onset > last_dose + dt.timedelta(days=collection_days):
            continue
        term = ctcae.get_term(spec.term)
        death = onset + dt.timedelta(days=to_death) if grade == 5 else None
        if death is not None and death >= end:
            # Death would come after observation ends: record the event short of fatal.
            grade = max(g for g in term.allowed_grades if g < 5)
            death = None
        ctcae.validate_grade(term, grade)
        resolved = onset + dt.timedelta(days=lasting)
        criteria = _seriousness(grade, hospitalised)
        event = AdverseEvent(
            term=term.name,
            soc=term.soc,
            grade=grade,
            start=onset,
            end=death if death is not None else (resolved if resolved < end else None),
            seriousness=criteria,
            serious=is_serious(SeriousnessCriterion(c) for c in criteria),
            attribution=_attribution(exposed, spec.exposure, attribution, onset),
            immune=spec.immune,
            causes=(spec.exposure,),
        )
        raw.append((spec, event, death))
    deaths = [(death, event.term) for _, event, death in raw if death is not None]
    death, fatal_term = min(deaths) if deaths else (None, "")
    stops = [
        event.start
        for spec, event, _ in raw
        if spec.discontinues_pd1_from_grade is not None
        and event.grade >= spec.discontinues_pd1_from_grade
    ]
    merged = _merge([event for _, event, _ in raw])
    return SafetyOutcome(merged, death, fatal_term, min(stops, default=None))


def _seriousness(grade: int, hospitalised: bool) -> tuple[str, ...]:
    """ICH E2A criteria met (rules §4.3): fatal, life-threatening, or a hospital stay."""
    if grade == 5:
        return (SeriousnessCriterion.DEATH.value,)
    if grade == 4:
        return (
            SeriousnessCriterion.LIFE_THREATENING.value,
            SeriousnessCriterion.HOSPITALISATION.value,
        )
    return (SeriousnessCriterion.HOSPITALISATION.value,) if hospitalised else ()


def _attribution(exposed: Exposures, cause: str, level: str, onset: dt.date) -> dict[str, str]:
    """The drawn level for the cause; other treatments given before onset are "unlikely"."""
    out = {}
    for exposure in EXPOSURES:
        window = exposed.window(exposure)
        if exposure == cause:
            out[exposure] = Attribution(level).value
        elif window is not None and window[0] <= onset:
            out[exposure] = Attribution.UNLIKELY.value
        else:
            out[exposure] = ""
    return out


def _merge(events: Sequence[AdverseEvent]) -> tuple[AdverseEvent, ...]:
    """One event per term: worst grade, earliest onset, strongest attribution per treatment."""
    by_term: dict[str, AdverseEvent] = {}
    for event in events:
        kept = by_term.get(event.term)
        if kept is None:
            by_term[event.term] = event
            continue
        worst = event if event.grade > kept.grade else kept
        ends = [kept.end, event.end]
        by_term[event.term] = AdverseEvent(
            term=event.term,
            soc=event.soc,
            grade=worst.grade,
            start=min(kept.start, event.start),
            end=worst.end if worst.grade == 5 or None in ends else max(e for e in ends if e),
            seriousness=tuple(dict.fromkeys(kept.seriousness + event.seriousness)),
            serious=kept.serious or event.serious,
            attribution={
                key: max(kept.attribution[key], event.attribution[key], key=_RANK.index)
                for key in EXPOSURES
            },
            immune=kept.immune or event.immune,
            causes=tuple(dict.fromkeys(kept.causes + event.causes)),
        )
    return tuple(sorted(by_term.values(), key=lambda e: (e.start, e.term)))


def truncated(events: Sequence[AdverseEvent], end: dt.date) -> tuple[AdverseEvent, ...]:
    """The events observed before `end`; those still running then have no end date.

    A fatal event whose death falls after `end` (another event was fatal
    first) is kept at its highest non-fatal grade.
    """
    kept = []
    for event in events:
        if event.start >= end:
            continue
        if event.grade == 5 and event.end is not None and event.end <= end:
            kept.append(event)
            continue
        if event.grade == 5:
            grade = max(g for g in ctcae.allowed_grades(event.term) if g < 5)
            criteria = _seriousness(grade, hospitalised=True)
            event = replace(event, grade=grade, seriousness=criteria, serious=True)
        if event.end is not None and event.end >= end:
            event = replace(event, end=None)
        kept.append(event)
    return tuple(kept)
