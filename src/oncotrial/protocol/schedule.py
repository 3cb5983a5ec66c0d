"""The visit schedule of one participant, from the protocol's visits.

Pure: the protocol's visits (with their repeats and windows) anchored on a
date become dated visits with their windows, and a visit's state on a given
day is derived from those dates and whether it took place. DESIGN.md: visit
schedules with windows declared as data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from oncotrial.protocol.schema import Text, Visit


@dataclass(frozen=True)
class PlannedVisit:
    visit_id: str
    name: Text
    target: dt.date
    earliest: dt.date
    latest: dt.date
    assessments: tuple[str, ...]


class VisitState(StrEnum):
    UPCOMING = "upcoming"  # the window has not opened
    DUE = "due"  # inside the window, not yet done
    OVERDUE = "overdue"  # the window has closed without the visit
    DONE = "done"  # done inside its window
    DONE_OUT_OF_WINDOW = "done_out_of_window"


def planned_visits(visits: Sequence[Visit], anchor: dt.date) -> list[PlannedVisit]:
    """Every occurrence of every visit, dated from `anchor` (day 0), in date order.

    A visit on day d with window [lo, hi] may take place from anchor + d + lo
    to anchor + d + hi, both days included.
    """
    out = []
    for visit in visits:
        low, high = visit.window
        for visit_id, name, day in visit.occurrences():
            target = anchor + dt.timedelta(days=day)
            out.append(
                PlannedVisit(
                    visit_id=visit_id,
                    name=name,
                    target=target,
                    earliest=target + dt.timedelta(days=low),
                    latest=target + dt.timedelta(days=high),
                    assessments=tuple(visit.assessments),
                )
            )
    return sorted(out, key=lambda v: (v.target, v.visit_id))


def visit_state(visit: PlannedVisit, done_on: dt.date | None, today: dt.date) -> VisitState:
    """The state of `visit` on `today`, given the date it took place (if it did)."""
    if done_on is not None:
        inside = visit.earliest <= done_on <= visit.latest
        return VisitState.DONE if inside else VisitState.DONE_OUT_OF_WINDOW
    if today < visit.earliest:
        return VisitState.UPCOMING
    if today <= visit.latest:
        return VisitState.DUE
    return VisitState.OVERDUE


# The assessments a form records, by the kind of record that proves them.
RECORDED_ASSESSMENTS = ("systemic_therapy", "tumour_assessment", "survival_status")


def missing_assessments(
    visit: PlannedVisit, recorded: dict[str, Sequence[dt.date]], today: dt.date
) -> list[str]:
    """The visit's assessments with no record dated inside its window, once the
    window has closed. `recorded` gives, per assessment, the dates it was done;
    assessments without a form of their own are not checked."""
    if today <= visit.latest:
        return []
    return [
        kind
        for kind in visit.assessments
        if kind in RECORDED_ASSESSMENTS
        and not any(visit.earliest <= day <= visit.latest for day in recorded.get(kind, ()))
    ]
