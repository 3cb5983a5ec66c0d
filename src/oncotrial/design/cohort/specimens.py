"""Specimens at the protocol's time points, for the uses the participant consented to.

This module owns the biospecimen list of a journey: for each `[[specimens]]`
collection of the protocol whose consent scope the participant agreed to,
one specimen per type at its time point (baseline at the screening
procedures, before and after radiotherapy, at progression), when that time
point happens before observation ends and the collection succeeds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np

from oncotrial.design.cohort.draws import chance, days
from oncotrial.design.cohort.journeys import RadiotherapyCourse, Specimen
from oncotrial.design.cohort.scenario import Scenario
from oncotrial.protocol.schema import Protocol


def specimens(
    rng: np.random.Generator,
    scenario: Scenario,
    protocol: Protocol,
    usubjid: str,
    consented: Sequence[str],
    baseline: dt.date,
    courses: Sequence[RadiotherapyCourse],
    progression: dt.date | None,
    end: dt.date,
) -> tuple[Specimen, ...]:
    settings = scenario.specimens
    course = courses[0] if courses else None
    # Drawn for every time point whether or not it happens, so the draws do not shift.
    dates: dict[str, dt.date | None] = {
        "baseline": baseline,
        "pre_radiotherapy": _offset(
            course.start if course else None, -days(rng, settings.pre_radiotherapy_days_before)
        ),
        "post_radiotherapy": _offset(
            course.end if course and course.completed else None,
            days(rng, settings.post_radiotherapy_days_after),
        ),
        "progression": _offset(progression, days(rng, settings.progression_days_after)),
    }
    found: list[Specimen] = []
    for collection in protocol.specimens:
        collected = chance(rng, settings.collected_share)
        day = dates[collection.timepoint]
        if collection.consent not in consented or not collected or day is None:
            continue
        if collection.timepoint != "baseline" and day >= end:
            continue
        found.extend(
            Specimen(
                f"{usubjid}-{collection.id}-{kind}", collection.id, collection.timepoint, kind, day
            )
            for kind in collection.types
        )
    return tuple(found)


def _offset(day: dt.date | None, count: int) -> dt.date | None:
    return None if day is None else day + dt.timedelta(days=count)
