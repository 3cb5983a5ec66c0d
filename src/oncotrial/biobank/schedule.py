"""The expected specimens of a participant and their status.

The protocol's `[[specimens]]` table says what is collected at which time
point. Each time point is anchored on a date of the participant's course,
and the collection is due inside the protocol's `window` around that anchor
(days, inclusive):

| time point          | anchor                                   |
| ------------------- | ---------------------------------------- |
| baseline            | allocation day (site date)               |
| pre_radiotherapy    | first radiotherapy course: start date    |
| post_radiotherapy   | first radiotherapy course: end date      |
| progression         | first recorded progression               |

Status of one expected collection: `collected` when a primary specimen was
recorded for it (whatever its date); otherwise `waiting` while its anchor is
not known (not allocated, no radiotherapy yet, no progression), `upcoming`
before the window opens, `due` inside the window, `missed` after it closes;
`not_consented` when the participant has not consented to its material.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Expected:
    collection_id: str
    timepoint: str
    types: tuple[str, ...]
    consent: str
    anchor: dt.date | None
    opens: dt.date | None
    closes: dt.date | None
    status: str
    collected: tuple = ()


def status_of(
    anchor: dt.date | None,
    window: tuple[int, int],
    today: dt.date,
    collected: bool,
    consented: bool,
) -> tuple[dt.date | None, dt.date | None, str]:
    """(window opens, window closes, status) of one expected collection."""
    if anchor is None:
        opens = closes = None
    else:
        low, high = window
        opens, closes = anchor + dt.timedelta(days=low), anchor + dt.timedelta(days=high)
    if collected:
        return opens, closes, "collected"
    if not consented:
        return opens, closes, "not_consented"
    if anchor is None:
        return opens, closes, "waiting"
    if today < opens:
        return opens, closes, "upcoming"
    if today <= closes:
        return opens, closes, "due"
    return opens, closes, "missed"


def anchors(participant) -> dict[str, dt.date | None]:
    """The anchor date of each time point for `participant` (None while unknown)."""
    zone = ZoneInfo(participant.site.time_zone)
    allocation = getattr(participant, "allocation", None)
    day0 = allocation.allocated_at.astimezone(zone).date() if allocation else None
    course = participant.radiotherapy.filter(voided_at__isnull=True).order_by("started_on").first()
    progression = (
        participant.progressions.filter(voided_at__isnull=True).order_by("progressed_on").first()
    )
    return {
        "baseline": day0,
        "pre_radiotherapy": course.started_on if course else None,
        "post_radiotherapy": course.ended_on if course else None,
        "progression": progression.progressed_on if progression else None,
    }


def expected_specimens(participant, protocol, consent, today: dt.date) -> list[Expected]:
    """Every collection the protocol expects from `participant`, with its status."""
    dates = anchors(participant)
    primaries = list(
        participant.specimens.filter(voided_at__isnull=True, parent__isnull=True).order_by(
            "sequence"
        )
    )
    rows = []
    for entry in protocol.specimens:
        got = tuple(s for s in primaries if s.collection_id == entry.id)
        consented = consent is not None and bool(getattr(consent, entry.consent, False))
        anchor = dates[entry.timepoint]
        opens, closes, status = status_of(anchor, entry.window, today, bool(got), consented)
        rows.append(
            Expected(
                entry.id,
                entry.timepoint,
                tuple(entry.types),
                entry.consent,
                anchor,
                opens,
                closes,
                status,
                got,
            )
        )
    return rows
