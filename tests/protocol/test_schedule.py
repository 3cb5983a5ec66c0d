"""Visit dates and windows from the protocol, and a visit's state on a day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from oncotrial.protocol.loader import load_protocol
from oncotrial.protocol.schedule import VisitState, planned_visits, visit_state

PROTOCOL = load_protocol(Path(__file__).resolve().parents[2] / "protocols" / "eso_rt.toml").protocol
ANCHOR = dt.date(2024, 3, 1)


def test_every_occurrence_is_dated_from_the_anchor() -> None:
    visits = {v.visit_id: v for v in planned_visits(PROTOCOL.schedule.visits, ANCHOR)}
    assert len(visits) == 1 + 4 + 8 + 12
    assert visits["BL"].target == ANCHOR and visits["BL"].earliest == dt.date(2024, 2, 2)
    # C2D1 on day 21 with window [-3, 3].
    c2 = visits["C2D1"]
    assert (c2.target, c2.earliest, c2.latest) == (
        dt.date(2024, 3, 22),
        dt.date(2024, 3, 19),
        dt.date(2024, 3, 25),
    )
    assert visits["TA8"].target == ANCHOR + dt.timedelta(days=42 * 8)
    assert visits["FU1"].target == ANCHOR + dt.timedelta(days=455)


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (dt.date(2024, 3, 18), VisitState.UPCOMING),
        (dt.date(2024, 3, 19), VisitState.DUE),  # the window's first day
        (dt.date(2024, 3, 25), VisitState.DUE),  # its last day
        (dt.date(2024, 3, 26), VisitState.OVERDUE),
    ],
)
def test_window_edges_are_inclusive(today: dt.date, state: VisitState) -> None:
    c2 = next(v for v in planned_visits(PROTOCOL.schedule.visits, ANCHOR) if v.visit_id == "C2D1")
    assert visit_state(c2, None, today) is state


@pytest.mark.parametrize(
    ("done", "state"),
    [
        (dt.date(2024, 3, 19), VisitState.DONE),
        (dt.date(2024, 3, 25), VisitState.DONE),
        (dt.date(2024, 3, 18), VisitState.DONE_OUT_OF_WINDOW),
        (dt.date(2024, 3, 26), VisitState.DONE_OUT_OF_WINDOW),
    ],
)
def test_a_visit_done_just_inside_or_outside_its_window(done: dt.date, state: VisitState) -> None:
    c2 = next(v for v in planned_visits(PROTOCOL.schedule.visits, ANCHOR) if v.visit_id == "C2D1")
    assert visit_state(c2, done, dt.date(2025, 1, 1)) is state


def test_a_form_is_missing_only_once_the_window_has_closed() -> None:
    from oncotrial.protocol.schedule import missing_assessments

    c2 = next(v for v in planned_visits(PROTOCOL.schedule.visits, ANCHOR) if v.visit_id == "C2D1")
    closes = c2.latest
    assert missing_assessments(c2, {}, closes) == []  # the last day of the window
    assert missing_assessments(c2, {}, closes + dt.timedelta(days=1)) == ["systemic_therapy"]
    # A cycle given on the window's first day counts; one a day early does not.
    assert missing_assessments(c2, {"systemic_therapy": [c2.earliest]}, dt.date(2025, 1, 1)) == []
    early = [c2.earliest - dt.timedelta(days=1)]
    assert missing_assessments(c2, {"systemic_therapy": early}, dt.date(2025, 1, 1)) == [
        "systemic_therapy"
    ]
