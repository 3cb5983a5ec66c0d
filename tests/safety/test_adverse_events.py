"""Adverse events: CTCAE grades, attribution, rules, and serious-event deadlines."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from oncotrial.audit.services import save_record
from oncotrial.safety.models import AdverseEvent


@pytest.fixture
def irradiated(world, allocated):
    """Participant A in the salvage arm, with a salvage radiotherapy course recorded."""
    from oncotrial.treatment.models import RadiotherapyCourse
    from oncotrial.treatment.services import record_course

    allocated("salvage")
    course = RadiotherapyCourse(
        participant=world.participant_a, intent="salvage", started_on=timezone.localdate()
    )
    record_course(
        course, [], world.users["inv_a"], deviation_reason="test: no progression recorded"
    )
    return world.participant_a


def _url(participant) -> str:
    return f"/safety/participants/{participant.pk}/"


def _event(**changes):
    data = {
        "term": "Esophagitis",
        "grade": "3",
        "onset_on": timezone.localdate().isoformat(),
        "outcome": "recovering",
        "expected": "unknown",
        "attr_radiotherapy": "probable",
        "action_radiotherapy": "interrupted",
    }
    return {**data, **changes}


def test_grade_3_oesophagitis_attributed_to_radiotherapy_and_serious(
    world, irradiated, as_user, django_capture_on_commit_callbacks
) -> None:
    for name in ["coord_a", "dm"]:
        world.users[name].email = f"{name}@example.org"
        world.users[name].save(update_fields=["email"])
    aware = (
        timezone.now()
        .astimezone(dt.timezone(dt.timedelta(hours=8)))
        .replace(second=0, microsecond=0)
    )
    client = as_user("inv_a")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(irradiated),
            _event(seriousness=["hospitalisation"], aware_at=aware.strftime("%Y-%m-%dT%H:%M")),
        )
    assert response.status_code == 302
    event = AdverseEvent.objects.get()
    assert (event.term, event.grade, event.soc) == ("Esophagitis", 3, "Gastrointestinal disorders")
    attribution = event.attributions.get()
    assert (attribution.intervention, attribution.attribution, attribution.action) == (
        "radiotherapy",
        "probable",
        "interrupted",
    )
    board = as_user("dm").get("/safety/serious/").content.decode()
    sponsor_due = (aware + dt.timedelta(hours=24)).astimezone(dt.UTC)
    assert f"sponsor_notification</strong>: {sponsor_due:%Y-%m-%d %H:%M}" in board
    # Related and not known to be expected: a possible SUSAR, so its clock runs too.
    assert 'data-kind="susar_other"' in board
    [message] = mail.outbox
    assert "Esophagitis grade 3" in message.subject
    assert set(message.to) == {"coord_a@example.org", "dm@example.org"}


def test_a_sent_report_closes_its_deadline(world, irradiated, as_user) -> None:
    aware = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=8)))
    client = as_user("inv_a")
    client.post(
        _url(irradiated),
        _event(seriousness=["hospitalisation"], aware_at=aware.strftime("%Y-%m-%dT%H:%M")),
    )
    event = AdverseEvent.objects.get()
    client.post(f"/safety/events/{event.pk}/report/", {"kind": "sponsor_notification"})
    board = client.get("/safety/serious/").content.decode()
    assert 'data-kind="sponsor_notification"' not in board and 'data-kind="susar_other"' in board


def test_only_the_grades_ctcae_defines_for_the_term(world, irradiated, as_user) -> None:
    client = as_user("inv_a")
    options = client.get("/safety/grades/", {"term": "Febrile neutropenia"}).content.decode()
    assert 'value="3"' in options and 'value="1"' not in options
    body = client.post(
        _url(irradiated), _event(term="Febrile neutropenia", grade="1")
    ).content.decode()
    assert 'id="id_grade_error"' in body
    assert not AdverseEvent.objects.exists()


def test_unknown_terms_are_refused_with_a_suggestion(world, irradiated, as_user) -> None:
    body = as_user("inv_a").post(_url(irradiated), _event(term="Oesophagitis")).content.decode()
    assert "Not a CTCAE v5.0 term" in body and "Esophagitis" in body


def test_onset_before_consent_and_resolution_before_onset_are_refused(
    world, irradiated, as_user
) -> None:
    client = as_user("inv_a")
    body = client.post(_url(irradiated), _event(onset_on="2024-01-01")).content.decode()
    assert "is medical history, not an adverse event" in body
    body = client.post(
        _url(irradiated), _event(onset_on="2024-03-10", resolved_on="2024-03-09")
    ).content.decode()
    assert "The resolution cannot precede the onset." in body
    assert not AdverseEvent.objects.exists()


def test_grade_5_needs_a_recorded_death(world, irradiated, as_user) -> None:
    from oncotrial.treatment.models import FollowUp

    client = as_user("inv_a")
    body = client.post(_url(irradiated), _event(grade="5", outcome="fatal")).content.decode()
    assert "Grade 5 (death) needs the death recorded" in body
    today = timezone.localdate()
    save_record(
        FollowUp(
            participant=irradiated,
            contact_on=today,
            status="dead",
            death_on=today,
            death_cause="treatment",
        ),
        actor=world.users["inv_a"],
    )
    assert client.post(_url(irradiated), _event(grade="5", outcome="fatal")).status_code == 302


def test_a_change_of_grade_needs_a_reason(world, irradiated, as_user) -> None:
    client = as_user("inv_a")
    client.post(_url(irradiated), _event(grade="2"))
    event = AdverseEvent.objects.get()
    url = f"/safety/events/{event.pk}/"
    body = client.post(url, _event(grade="3")).content.decode()
    assert 'id="id_reason_error"' in body
    client.post(url, _event(grade="3", reason="Needed tube feeding"))
    event.refresh_from_db()
    assert event.grade == 3


@pytest.mark.parametrize(
    ("value", "grade"),
    [("1.5", "1"), ("1.49", "2"), ("1.0", "2"), ("0.99", "3"), ("0.5", "3"), ("0.49", "4")],
)
def test_laboratory_grades_at_the_boundaries(world, as_user, value, grade) -> None:
    """Neutrophil count decreased, CTCAE v5.0: grade 1 <LLN-1.5, grade 2 <1.5-1.0,
    grade 3 <1.0-0.5 (x 10e9/L); each range includes its lower end."""
    body = (
        as_user("inv_a")
        .get(
            "/safety/lab-grade/",
            {
                "lab_term": "Neutrophil count decreased",
                "lab_value": value,
                "lab_unit": "10^9/L",
                "lab_lln": "2.0",
            },
        )
        .content.decode()
    )
    assert f'data-grade="{grade}"' in body


def test_a_laboratory_value_in_an_unknown_unit_is_named(world, as_user) -> None:
    body = (
        as_user("inv_a")
        .get(
            "/safety/lab-grade/",
            {"lab_term": "Anemia", "lab_value": "95", "lab_unit": "furlongs", "lab_lln": "120"},
        )
        .content.decode()
    )
    assert 'class="error"' in body and "furlongs" in body


def test_follow_up_reports_until_the_event_resolves(world, irradiated, as_user) -> None:
    aware = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=8)))
    client = as_user("inv_a")
    client.post(
        _url(irradiated),
        _event(seriousness=["hospitalisation"], aware_at=aware.strftime("%Y-%m-%dT%H:%M")),
    )
    event = AdverseEvent.objects.get()
    client.post(f"/safety/events/{event.pk}/report/", {"kind": "follow_up"})
    client.post(f"/safety/events/{event.pk}/report/", {"kind": "follow_up"})
    assert event.reports.filter(kind="follow_up").count() == 2
    board = client.get("/safety/serious/").content.decode()
    assert board.count('class="follow-up-report"') == 2 and "until resolution" in board
    # Once resolved, no further follow-up report is taken.
    event.resolved_on = timezone.localdate()
    from oncotrial.audit.services import save_record

    save_record(event, actor=world.users["inv_a"])
    client.post(f"/safety/events/{event.pk}/report/", {"kind": "follow_up"})
    assert event.reports.filter(kind="follow_up").count() == 2
    assert "until resolution" not in client.get("/safety/serious/").content.decode()
