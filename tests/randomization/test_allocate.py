"""Allocation: eligible, signed and consented participants, exactly once."""

from __future__ import annotations

import datetime as dt
import uuid
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from oncotrial.audit.models import AuditEvent
from oncotrial.audit.services import verify_chain
from oncotrial.randomization import services
from oncotrial.randomization.models import Allocation, AllocationScheme, MinimizationDraw
from oncotrial.treatment.models import Visit
from oncotrial.treatment.services import plan_schedule


def _post(client, participant, **data):
    payload = {"idempotency_key": str(uuid.uuid4()), **data}
    return client.post(f"/allocation/participants/{participant.pk}/", payload)


def test_investigator_randomizes_and_sees_the_arm_at_once(
    world, ready, as_user, django_capture_on_commit_callbacks
) -> None:
    client = as_user("inv_a")
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, ready, cohort="randomized")
    assert response.status_code == 302
    allocation = Allocation.objects.get(participant=ready)
    assert allocation.cohort == "randomized" and allocation.arm in {"consolidation", "salvage"}
    assert allocation.draw_index == 0 and allocation.method == "minimization"
    assert allocation.factor_levels == {
        "site": "AAA1",
        "induction_response": "PR",
        "metastatic_organs": "2+",
    }
    assert set(allocation.imbalance_scores) == {"consolidation", "salvage"}
    assert allocation.protocol_version.version == "1.0"
    page = client.get(f"/allocation/participants/{ready.pk}/").content.decode()
    arm_name = {"consolidation": "Consolidation radiotherapy", "salvage": "Salvage radiotherapy"}
    assert arm_name[allocation.arm] in page
    # The site team is told by e-mail.
    [message] = mail.outbox
    assert set(message.to) == {"coord_a@alpha.example", "inv_a@alpha.example"}
    assert "AAA1-0001" in message.subject
    event = AuditEvent.objects.get(record_type="randomization.allocation", action="create")
    assert event.changes["arm"] == [None, allocation.arm] and event.actor == world.users["inv_a"]


def test_a_repeated_request_returns_the_same_allocation(world, ready, as_user) -> None:
    client = as_user("inv_a")
    key = str(uuid.uuid4())
    for _ in range(3):
        client.post(
            f"/allocation/participants/{ready.pk}/",
            {"idempotency_key": key, "cohort": "randomized"},
        )
    assert Allocation.objects.count() == 1
    # A new request for an allocated participant also returns the first one.
    _post(client, ready, cohort="preference", arm="salvage", reason="x")
    allocation = Allocation.objects.get()
    assert allocation.cohort == "randomized" and allocation.idempotency_key == uuid.UUID(key)


def test_a_key_cannot_serve_two_participants(world, ready) -> None:
    key = uuid.uuid4()
    services.allocate(
        participant=ready, actor=world.users["inv_a"], cohort="randomized", idempotency_key=key
    )
    with pytest.raises(services.NotReady, match="another participant"):
        services.allocate(
            participant=world.participant_b,
            actor=world.users["inv_a"],
            cohort="randomized",
            idempotency_key=key,
        )


def test_only_signed_eligible_consented_participants(world, as_user) -> None:
    client = as_user("inv_a")
    body = _post(client, world.participant_a, cohort="randomized").content.decode()
    assert "Eligibility has not been signed by an investigator." in body
    assert not Allocation.objects.exists()


def test_withdrawn_consent_stops_allocation(world, ready, as_user) -> None:
    import datetime as dt

    from oncotrial.audit.services import save_record
    from oncotrial.consent.models import Withdrawal

    save_record(
        Withdrawal(consent=world.consent_a, withdrawn_on=dt.date(2024, 2, 1), scope="treatment"),
        actor=world.users["coord_a"],
    )
    body = _post(as_user("inv_a"), ready, cohort="randomized").content.decode()
    assert "There is no valid informed consent." in body
    assert not Allocation.objects.exists()


def test_preference_cohort_needs_an_arm_and_a_reason_and_uses_no_draw(
    world, ready, as_user
) -> None:
    client = as_user("inv_a")
    body = _post(client, ready, cohort="preference", arm="", reason="").content.decode()
    assert "Choose the arm the participant prefers." in body
    body = _post(client, ready, cohort="preference", arm="salvage", reason="").content.decode()
    assert "reason for choosing an arm" in body
    _post(
        client,
        ready,
        cohort="preference",
        arm="salvage",
        reason="Wants radiotherapy only if needed",
    )
    allocation = Allocation.objects.get()
    assert (allocation.cohort, allocation.arm, allocation.draw_index) == (
        "preference",
        "salvage",
        None,
    )
    assert allocation.preference_reason == "Wants radiotherapy only if needed"


def test_coordinators_and_monitors_cannot_allocate(world, ready, as_user) -> None:
    for username in ["coord_a", "monitor_a"]:
        assert _post(as_user(username), ready, cohort="randomized").status_code == 403
    assert not Allocation.objects.exists()


def test_the_commitment_verifies_and_detects_a_changed_draw(world, ready, capsys) -> None:
    from django.core.management import CommandError, call_command

    scheme = services.ensure_scheme()
    assert len(scheme.commitment) == 64 and services.verify_scheme(scheme)
    assert MinimizationDraw.objects.filter(scheme=scheme).count() == 480
    call_command("allocation", "verify")
    assert scheme.commitment in capsys.readouterr().out
    first = MinimizationDraw.objects.get(scheme=scheme, index=0)
    MinimizationDraw.objects.filter(pk=first.pk).update(draw=first.draw + 1)
    assert not services.verify_scheme(AllocationScheme.objects.get(pk=scheme.pk))
    with pytest.raises(CommandError, match="do NOT match"):
        call_command("allocation", "verify")


def test_minimization_decisions_replay_from_the_stored_draws(world, ready) -> None:
    """An auditor recomputes a decision from the stored draw and the prior allocations."""
    from oncotrial.allocation.minimization import marginal_counts, minimize

    allocation = services.allocate(
        participant=ready,
        actor=world.users["inv_a"],
        cohort="randomized",
        idempotency_key=uuid.uuid4(),
    )
    scheme = allocation.scheme
    settings_ = services._settings(scheme.parameters)
    replay = minimize(
        allocation.factor_levels, marginal_counts([], settings_), settings_, allocation.draw, 0
    )
    assert replay.arm == allocation.arm


def test_corrections_by_the_administrator_only_with_a_reason_and_never_in_place(
    world, ready, as_user
) -> None:
    allocation = services.allocate(
        participant=ready,
        actor=world.users["inv_a"],
        cohort="randomized",
        idempotency_key=uuid.uuid4(),
    )
    other = "salvage" if allocation.arm == "consolidation" else "consolidation"
    url = f"/allocation/{allocation.pk}/correct/"
    assert (
        as_user("inv_a").post(url, {"field": "arm", "new_value": other, "reason": "x"}).status_code
        == 403
    )
    client = as_user("admin")
    body = client.post(url, {"field": "arm", "new_value": other, "reason": ""}).content.decode()
    assert "needs a reason" in body
    client.post(
        url, {"field": "arm", "new_value": other, "reason": "Wrong arm entered at the site"}
    )
    allocation.refresh_from_db()
    assert services.current_value(allocation, "arm") == other
    assert Allocation.objects.get(pk=allocation.pk).arm != other  # the original stays
    assert AuditEvent.objects.filter(
        record_type="randomization.allocationcorrection", action="create"
    ).exists()


def test_midnight_at_the_site_while_queueing_anchors_the_schedule_on_the_allocation_day(
    world, ready, monkeypatch
) -> None:
    # The schedule is laid out before the scheme's lock, the allocation time
    # is taken under it: when the site's date changes in between, the whole
    # allocation starts again on the new day.
    zone = ZoneInfo(ready.site.time_zone)
    before = dt.datetime(2024, 3, 1, 23, 59, 59, 999_000, tzinfo=zone).astimezone(dt.UTC)
    after = before + dt.timedelta(milliseconds=2)
    calls = []

    def now() -> dt.datetime:
        calls.append(1)
        return before if len(calls) == 1 else after

    monkeypatch.setattr(services, "timezone", SimpleNamespace(now=now))
    allocation = services.allocate(
        participant=ready,
        actor=world.users["inv_a"],
        cohort="randomized",
        idempotency_key=uuid.uuid4(),
    )
    assert allocation.allocated_at == after and allocation.draw_index == 0
    visits = Visit.objects.filter(participant=ready)
    assert visits.get(visit_id="BL").target_date == dt.date(2024, 3, 2)
    assert visits.count() == len(plan_schedule(ready, dt.date(2024, 3, 2)))
    # Nothing of the first attempt is left, in the records or in the audit trail.
    audited = AuditEvent.objects.filter(record_type="treatment.visit")
    assert sorted(audited.values_list("record_id", flat=True)) == sorted(
        str(pk) for pk in visits.values_list("pk", flat=True)
    )
    assert verify_chain().ok
