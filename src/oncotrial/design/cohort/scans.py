"""The tumour assessment schedule of one participant, over the whole trial horizon.

This module owns when scans happen: the protocol's tumour-assessment visits
within their windows, then every `late_assessment_interval_days` until the
data cut-off, with some scans missed. The first scan is kept at least
`sd_min_days` after the baseline scan so stable disease there counts
(rules §2.8).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from oncotrial.clinical.recist_settings import ResponseSettings
from oncotrial.design.cohort.draws import chance
from oncotrial.design.cohort.scenario import Scenario
from oncotrial.protocol.schema import Protocol


@dataclass(frozen=True)
class Scan:
    visit: str
    date: dt.date


def scan_schedule(
    rng: np.random.Generator,
    scenario: Scenario,
    protocol: Protocol,
    settings: ResponseSettings,
    allocation: dt.date,
    baseline: dt.date,
) -> tuple[Scan, ...]:
    """Every follow-up scan performed until the data cut-off, whatever happens to the participant.

    Drawn over the whole horizon so the schedule of one participant does not
    depend on when their observation ends; the caller keeps the scans before
    that end. Protocol visits first (within their windows), then every late
    interval; some scans are missed. The first scan is at least
    `sd_min_days` after baseline, so stable disease there counts (rules §2.8).
    """
    cutoff = scenario.calendar.data_cutoff
    visits = [v for v in protocol.schedule.visits if "tumour_assessment" in v.assessments]
    planned: list[tuple[str, int, tuple[int, int]]] = []
    template, number = "TA{n}", 0
    for visit in visits:
        for visit_id, _, day in visit.occurrences():
            if day > 0:
                planned.append((visit_id, day, visit.window))
        if visit.repeat is not None:
            template = visit.id
            number = visit.repeat.first_n + visit.repeat.count
    last_day = max((day for _, day, _ in planned), default=0)
    window = planned[-1][2] if planned else (-7, 7)
    interval = scenario.tumour.late_assessment_interval_days
    while allocation + dt.timedelta(days=last_day) <= cutoff:
        last_day += interval
        planned.append((template.replace("{n}", str(number)), last_day, window))
        number += 1
    scans: list[Scan] = []
    previous = baseline
    first = True
    for visit_id, day, (low, high) in planned:
        date = allocation + dt.timedelta(days=day + int(rng.integers(low, high + 1)))
        missed = chance(rng, scenario.tumour.missed_assessment_share)
        if first:
            date = max(date, baseline + dt.timedelta(days=settings.sd_min_days))
            first = False
        date = max(date, previous + dt.timedelta(days=1))
        previous = date
        if date > cutoff:
            break
        if not missed:
            scans.append(Scan(visit_id, date))
    return tuple(scans)
