"""The clinical course: schedule, cycles with dose checks, radiotherapy rules, follow-up."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from oncotrial.treatment.models import ProtocolDeviation, RadiotherapyCourse, SystemicCycle, Visit


def _today() -> str:
    return timezone.now().astimezone(dt.timezone(dt.timedelta(hours=8))).date().isoformat()


def _url(world) -> str:
    return f"/course/participants/{world.participant_a.pk}/"


def _cycle(**changes):
    data = {
        "action": "cycle",
        "cycle-number": "1",
        "cycle-given_on": _today(),
        "cycle-regimen": "TP",
        "cycle-height_cm": "170",
        "cycle-weight_kg": "70",
        "cycle-bsa_formula": "mosteller",
        "cycle-delay_days": "0",
        "dose-TOTAL_FORMS": "2",
        "dose-INITIAL_FORMS": "0",
        "dose-MIN_NUM_FORMS": "1",
        "dose-MAX_NUM_FORMS": "4",
        # 175 mg/m2 x 1.82 m2 = 318.5 mg
        "dose-0-agent": "paclitaxel",
        "dose-0-prescribed_mg": "318",
        "dose-0-given_mg": "318",
        "dose-1-agent": "camrelizumab",
        "dose-1-prescribed_mg": "200",
        "dose-1-given_mg": "200",
    }
    return {**data, **changes}


def _course(**changes):
    data = {
        "action": "course",
        "course-intent": "salvage",
        "course-started_on": _today(),
        "course-interruption_days": "0",
        "target-TOTAL_FORMS": "1",
        "target-INITIAL_FORMS": "0",
        "target-MIN_NUM_FORMS": "1",
        "target-MAX_NUM_FORMS": "6",
        "target-0-target": "primary",
        "target-0-total_dose_gy": "60",
        "target-0-fractions": "30",
        "target-0-technique": "imrt",
    }
    return {**data, **changes}


def test_allocation_lays_out_the_visit_schedule(world, allocated) -> None:
    allocation = allocated("salvage")
    visits = Visit.objects.filter(participant=world.participant_a)
    assert visits.count() == 25
    day0 = allocation.allocated_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    c2 = visits.get(visit_id="C2D1")
    assert c2.target_date == day0 + dt.timedelta(days=21)
    assert (c2.earliest, c2.latest) == (
        c2.target_date - dt.timedelta(days=3),
        c2.target_date + dt.timedelta(days=3),
    )


def test_a_cycle_records_bsa_and_doses_and_marks_its_visit(world, allocated, as_user) -> None:
    allocated("salvage")
    client = as_user("coord_a")
    assert client.post(_url(world), _cycle()).status_code == 302
    cycle = SystemicCycle.objects.get(participant=world.participant_a)
    assert str(cycle.bsa_m2) == "1.82"
    assert sorted(cycle.doses.values_list("agent", flat=True)) == ["camrelizumab", "paclitaxel"]
    assert (
        Visit.objects.get(participant=world.participant_a, visit_id="C2D1").done_on
        == cycle.given_on
    )


def test_a_dose_outside_the_expected_range_needs_confirmation(world, allocated, as_user) -> None:
    allocated("salvage")
    client = as_user("coord_a")
    body = client.post(_url(world), _cycle(**{"dose-0-given_mg": "3180"})).content.decode()
    assert "3180 mg of paclitaxel is outside the expected 221–350 mg" in body
    assert not SystemicCycle.objects.exists()
    assert 'value="3180' in body  # nothing typed is lost
    client.post(
        _url(world), _cycle(**{"dose-0-given_mg": "3180", "dose-0-confirmed_outside_range": "on"})
    )
    assert SystemicCycle.objects.get().doses.get(agent="paclitaxel").confirmed_outside_range


def test_salvage_radiotherapy_without_progression_and_mdt_is_only_a_recorded_deviation(
    world, allocated, as_user
) -> None:
    allocated("salvage")
    client = as_user("inv_a")
    body = client.post(_url(world), _course()).content.decode()
    assert "needs a progression recorded on or before its start" in body
    assert not RadiotherapyCourse.objects.exists()
    client.post(
        _url(world), _course(**{"course-deviation_reason": "Bleeding primary: urgent palliation"})
    )
    course = RadiotherapyCourse.objects.get()
    deviation = ProtocolDeviation.objects.get()
    assert course.deviation == deviation and deviation.category == "radiotherapy"
    assert "needs a progression" in deviation.rule_broken
    assert deviation.description == "Bleeding primary: urgent palliation"


def test_salvage_after_progression_and_an_mdt_recommendation_follows_the_protocol(
    world, allocated, as_user
) -> None:
    allocated("salvage")
    client = as_user("inv_a")
    today = _today()
    client.post(
        _url(world),
        {
            "action": "progression",
            "progression-progressed_on": today,
            "progression-basis": "recist",
        },
    )
    body = client.post(
        _url(world),
        {
            "action": "mdt",
            "mdt-decided_on": today,
            "mdt-disciplines": ["medical_oncology"],
            "mdt-recommends_salvage_radiotherapy": "on",
            "mdt-decision": "Salvage RT",
            "mdt-rationale": "Local progression",
        },
    ).content.decode()
    assert "needs a radiation oncologist" in body
    client.post(
        _url(world),
        {
            "action": "mdt",
            "mdt-decided_on": today,
            "mdt-disciplines": ["radiation_oncology", "medical_oncology"],
            "mdt-recommends_salvage_radiotherapy": "on",
            "mdt-decision": "Salvage RT to the primary",
            "mdt-rationale": "Local progression only",
        },
    )
    assert client.post(_url(world), _course()).status_code == 302
    assert RadiotherapyCourse.objects.get().deviation is None
    page = client.get(_url(world)).content.decode()
    # 60 Gy in 30 fractions: BED10 = 60 x (1 + 2/10) = 72 Gy; EQD2 = 60 Gy.
    assert "72.0 Gy" in page and "60.0 Gy" in page
    assert 'class="rt-salvage"' in page and 'class="pd"' in page and 'class="mdt"' in page


def test_consolidation_in_the_salvage_arm_breaks_the_protocol(world, allocated, as_user) -> None:
    allocated("salvage")
    body = (
        as_user("inv_a")
        .post(_url(world), _course(**{"course-intent": "consolidation"}))
        .content.decode()
    )
    assert "belongs to the consolidation arm" in body and "0 of 4 given" in body


def test_follow_up_rules(world, allocated, as_user) -> None:
    allocated("salvage")
    client = as_user("coord_a")
    base = {"action": "followup", "followup-contact_on": _today()}
    body = client.post(_url(world), {**base, "followup-status": "dead"}).content.decode()
    assert "Give the date of death." in body and "Give the cause of death." in body
    body = client.post(_url(world), {**base, "followup-status": "lost"}).content.decode()
    assert "last date the participant was known alive" in body
    client.post(
        _url(world),
        {
            **base,
            "followup-status": "dead",
            "followup-death_on": _today(),
            "followup-death_cause": "disease",
        },
    )
    assert 'class="death"' in client.get(_url(world)).content.decode()


def test_dates_cannot_precede_allocation_or_lie_in_the_future(world, allocated, as_user) -> None:
    allocated("salvage")
    client = as_user("coord_a")
    body = client.post(_url(world), _cycle(**{"cycle-given_on": "2023-01-01"})).content.decode()
    assert "cannot precede allocation" in body
    body = client.post(_url(world), _cycle(**{"cycle-given_on": "2999-01-01"})).content.decode()
    assert "cannot be in the future" in body


def test_visits_due_lists_only_the_own_site(world, allocated, as_user) -> None:
    allocated("salvage")
    body = as_user("coord_a").get("/course/visits/").content.decode()
    assert "AAA1-0001" in body and "BL" in body  # the baseline visit is due on day 0
    assert "AAA1-0001" not in as_user("coord_b").get("/course/visits/").content.decode()


def test_monitors_read_but_cannot_record(world, allocated, as_user) -> None:
    allocated("salvage")
    client = as_user("monitor_a")
    assert client.get(_url(world)).status_code == 200
    assert client.post(_url(world), _cycle()).status_code == 403


def test_missing_forms_are_listed_once_a_window_closes(world, allocated, as_user) -> None:
    from decimal import Decimal

    from oncotrial.audit.services import save_record
    from oncotrial.treatment.services import record_cycle

    allocated("salvage")
    # Move cycle 2's window into the past, as if the participant had been allocated earlier.
    visit = Visit.objects.get(participant=world.participant_a, visit_id="C2D1")
    visit.target_date = dt.date(2024, 3, 22)
    visit.earliest, visit.latest = dt.date(2024, 3, 19), dt.date(2024, 3, 25)
    save_record(visit, actor=world.users["coord_a"], reason="test: an earlier allocation")
    body = as_user("coord_a").get("/course/visits/").content.decode()
    assert "C2D1" in body.split("Missing forms")[1] and "systemic therapy cycle" in body
    cycle = SystemicCycle(
        participant=world.participant_a,
        number=1,
        given_on=dt.date(2024, 3, 25),
        regimen="TP",
        height_cm=Decimal(170),
        weight_kg=Decimal(70),
    )
    record_cycle(cycle, [], world.users["coord_a"])
    body = as_user("coord_a").get("/course/visits/").content.decode()
    assert "C2D1" not in body.split("Missing forms")[1]
