"""The expected specimens from the protocol, with due / collected / missed status."""

from __future__ import annotations

import datetime as dt

from tests.biobank.conftest import draw

from oncotrial.biobank.schedule import expected_specimens, status_of
from oncotrial.consent.services import current_consent
from oncotrial.trial.current import current_protocol


def test_status_follows_the_window() -> None:
    anchor = dt.date(2024, 3, 1)
    window = next(c.window for c in current_protocol().specimens if c.timepoint == "baseline")
    low, high = window
    at = lambda days: status_of(anchor, window, anchor + dt.timedelta(days), False, True)[2]  # noqa: E731
    assert at(low - 1) == "upcoming" and at(low) == "due" and at(high) == "due"
    assert at(high + 1) == "missed"
    assert status_of(None, window, anchor, False, True)[2] == "waiting"
    assert status_of(anchor, window, anchor, True, True)[2] == "collected"
    assert status_of(anchor, window, anchor, False, False)[2] == "not_consented"


def test_schedule_of_an_allocated_participant(world, allocated) -> None:
    allocated("consolidation")
    draw(world.participant_a, world.users["biobank"])
    p = world.participant_a
    today = dt.date.today()
    rows = {
        e.collection_id: e.status
        for e in expected_specimens(p, current_protocol(), current_consent(p), today)
    }
    assert rows["blood_baseline"] == "collected"
    assert rows["tissue_baseline"] == "due"
    assert rows["urine_baseline"] == "not_consented"
    assert rows["blood_pre_rt"] == "waiting" and rows["blood_progression"] == "waiting"


def test_schedule_page(world, as_user) -> None:
    body = as_user("coord_a").get(f"/biobank/participants/{world.participant_a.pk}/")
    assert body.status_code == 200 and "blood_post_rt" in body.content.decode()
