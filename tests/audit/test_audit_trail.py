"""Every change is audited: who, when, what (old and new), why; nothing is lost."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from oncotrial.audit.models import AuditedModel, AuditEvent, AuditRefused
from oncotrial.audit.services import (
    INSERT_BATCH,
    EventSpec,
    ReasonRequired,
    append_events,
    creating,
    history,
    save_record,
    verify_chain,
    void_record,
)
from oncotrial.consent.models import Consent, Withdrawal
from oncotrial.participants.models import Participant
from oncotrial.treatment.models import Visit


def test_registration_is_audited_with_every_value(world) -> None:
    [event] = history(world.participant_a)
    assert event.action == "create"
    assert event.actor == world.users["coord_a"]
    assert event.site_id == world.site_a.pk
    assert event.changes["date_of_birth"] == [None, "1960-05-01"]
    assert event.changes["screening_number"] == [None, "AAA1-0001"]
    assert event.at.tzinfo is not None


def test_a_change_records_old_and_new_values_and_the_reason(world) -> None:
    p = world.participant_a
    p.date_of_birth = dt.date(1961, 5, 1)
    event = save_record(p, actor=world.users["inv_a"], reason="Transcription error")
    assert event.action == "update"
    assert event.changes == {"date_of_birth": ["1960-05-01", "1961-05-01"]}
    assert event.reason == "Transcription error"
    assert event.actor == world.users["inv_a"]


def test_an_edit_without_a_reason_is_refused_and_nothing_is_written(world) -> None:
    p = world.participant_a
    p.sex = "F"
    before = AuditEvent.objects.count()
    with pytest.raises(ReasonRequired):
        save_record(p, actor=world.users["inv_a"], reason="  ")
    assert Participant.objects.get(pk=p.pk).sex == "M"
    assert AuditEvent.objects.count() == before


def test_an_unchanged_save_writes_nothing(world) -> None:
    before = AuditEvent.objects.count()
    assert save_record(world.participant_a, actor=world.users["inv_a"], reason="x") is None
    assert AuditEvent.objects.count() == before


def test_voiding_needs_a_reason_and_keeps_the_record(world) -> None:
    p = world.participant_a
    with pytest.raises(ReasonRequired):
        void_record(p, actor=world.users["inv_a"], reason="")
    event = void_record(p, actor=world.users["inv_a"], reason="Registered twice")
    stored = Participant.objects.get(pk=p.pk)
    assert stored.is_voided and stored.void_reason == "Registered twice"
    assert event.action == "void" and event.reason == "Registered twice"


def test_writes_that_bypass_the_audit_are_refused(world) -> None:
    p = Participant.objects.get(pk=world.participant_a.pk)
    p.sex = "F"
    with pytest.raises(AuditRefused):
        p.save()
    with pytest.raises(AuditRefused):
        p.delete()
    with pytest.raises(AuditRefused):
        Participant.objects.filter(site=world.site_a).update(sex="F")
    with pytest.raises(AuditRefused):
        Participant.objects.filter(site=world.site_a).delete()
    assert Participant.objects.get(pk=p.pk).sex == "M"


def test_every_audited_model_refuses_bulk_writes() -> None:
    from django.apps import apps

    audited = [m for m in apps.get_models() if issubclass(m, AuditedModel)]
    assert {m._meta.label for m in audited} >= {
        "participants.Participant",
        "accounts.Site",
        "accounts.Membership",
    }
    for model in audited:
        with pytest.raises(AuditRefused):
            model.objects.all().update(void_reason="x")


def test_audit_events_cannot_be_changed_through_the_application(world) -> None:
    event = AuditEvent.objects.first()
    event.reason = "rewritten"
    with pytest.raises(AuditRefused):
        event.save()
    with pytest.raises(AuditRefused):
        event.delete()


def test_logins_and_failed_logins_are_audited(world, client) -> None:
    from tests.conftest import PASSWORD

    assert (
        client.post("/accounts/login/", {"username": "coord_a", "password": "wrong"}).status_code
        == 200
    )
    failed = AuditEvent.objects.filter(action="login_failed").last()
    assert failed.actor_name == "coord_a" and "wrong" not in str(failed.changes)
    client.post("/accounts/login/", {"username": "coord_a", "password": PASSWORD})
    assert AuditEvent.objects.filter(action="login", actor=world.users["coord_a"]).exists()


def test_membership_changes_are_audited(world) -> None:
    from oncotrial.accounts.services import end_membership

    m = world.membership_b
    with pytest.raises(ReasonRequired):
        end_membership(actor=world.admin, membership=m, reason="")
    end_membership(actor=world.admin, membership=m, reason="Left the site")
    last = history(m).last()
    assert last.changes == {"active": [True, False]} and last.reason == "Left the site"


def test_verify_passes_on_a_clean_database(world) -> None:
    verdict = verify_chain()
    assert verdict.ok and verdict.checked == AuditEvent.objects.count() > 5
    call_command("audit", "verify")


def _tamper(sql: str, params: list) -> None:
    """Change audit rows behind the application's back, as a superuser could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Deferred foreign-key checks of this test's transaction must fire
            # before the table can be altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only"
            )
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE audit_auditevent ENABLE ALWAYS TRIGGER audit_auditevent_append_only"
            )


def test_verify_reports_the_first_altered_row(world) -> None:
    target = AuditEvent.objects.order_by("seq")[3]
    _tamper("UPDATE audit_auditevent SET reason = %s WHERE seq = %s", ["edited", target.seq])
    verdict = verify_chain()
    assert not verdict.ok and verdict.first_broken_seq == target.seq
    with pytest.raises(CommandError, match=f"BROKEN at event #{target.seq}"):
        call_command("audit", "verify")


def test_verify_reports_a_removed_row(world) -> None:
    target = AuditEvent.objects.order_by("seq")[2]
    _tamper("DELETE FROM audit_auditevent WHERE seq = %s", [target.seq])
    verdict = verify_chain()
    assert not verdict.ok and verdict.first_broken_seq == target.seq
    assert "missing" in verdict.problem


def test_verify_reports_a_removed_last_row(world) -> None:
    last = AuditEvent.objects.order_by("seq").last()
    _tamper("DELETE FROM audit_auditevent WHERE seq = %s", [last.seq])
    assert not verify_chain().ok


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's"
)
def test_postgresql_trigger_blocks_update_and_delete_outright(world) -> None:
    seq = AuditEvent.objects.first().seq
    for sql in [
        "UPDATE audit_auditevent SET reason = 'x' WHERE seq = %s",
        "DELETE FROM audit_auditevent WHERE seq = %s",
    ]:
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [seq])
    assert verify_chain().ok


def _visits(participant: Participant, ids: list[str]) -> list[Visit]:
    day = dt.date(2024, 3, 1)
    return [
        Visit(participant=participant, visit_id=v, target_date=day, earliest=day, latest=day)
        for v in ids
    ]


def test_records_created_together_each_get_their_own_first_entry_event(world) -> None:
    before = AuditEvent.objects.count()
    visits = _visits(world.participant_a, ["C1D1", "C2D1"])
    other_site = _visits(world.participant_b, ["C1D1"])
    records = [visits[0], other_site[0], visits[1]]
    with transaction.atomic(), creating(world.users["coord_a"]) as creation:
        creation.add(records)
    events = creation.events
    assert AuditEvent.objects.count() == before + 3
    for record, event in zip(records, events, strict=True):
        assert Visit.objects.get(pk=record.pk).visit_id == record.visit_id
        [stored] = history(record)
        assert stored.seq == event.seq and stored.action == "create"
        assert stored.actor == world.users["coord_a"]
        assert stored.site_id == record.participant.site_id
        assert stored.changes["visit_id"] == [None, record.visit_id]
    assert events[1].site_id == world.site_b.pk != events[0].site_id
    # One append of three events keeps the chain linear.
    assert [e.seq for e in events] == [events[0].seq + i for i in range(3)]
    assert verify_chain().ok


def test_creating_records_together_refuses_what_it_cannot_audit(world) -> None:
    before = AuditEvent.objects.count()
    [stored] = _visits(world.participant_a, ["C1D1"])
    save_record(stored, actor=world.users["coord_a"])
    # A stored record changes through save_record, with its reason.
    with (
        pytest.raises(ValueError, match="takes new records"),
        transaction.atomic(),
        creating(None) as creation,
    ):
        creation.add([*_visits(world.participant_a, ["C2D1"]), stored])
    # A model with post_save receivers (the biobank flags specimens on a
    # withdrawal) must be created one by one, so its receivers run.
    withdrawal = Withdrawal(consent=Consent(), scope=Withdrawal.Scope.SAMPLES_AND_DATA)
    with (
        pytest.raises(ValueError, match="post_save receivers"),
        transaction.atomic(),
        creating(None) as creation,
    ):
        creation.add([withdrawal])
    assert AuditEvent.objects.count() == before + 1


def test_a_batch_larger_than_one_insert_statement_is_appended_whole_and_in_order(world) -> None:
    before = AuditEvent.objects.count()
    n = 2 * INSERT_BATCH + 3
    specs = [EventSpec("create", "treatment.visit", str(i), world.site_a.pk) for i in range(n)]
    with transaction.atomic():
        events = append_events(specs, actor=world.users["dm"])
    stored = list(AuditEvent.objects.order_by("seq")[before:])
    assert [e.record_id for e in stored] == [str(i) for i in range(n)]
    assert [e.hash for e in stored] == [e.hash for e in events]
    assert verify_chain().ok


def test_records_stored_in_a_failed_creating_block_are_never_committed_unaudited(world) -> None:
    visits, events = Visit.objects.count(), AuditEvent.objects.count()
    with transaction.atomic():
        try:
            with creating(world.users["coord_a"]) as creation:
                creation.add(_visits(world.participant_a, ["C1D1", "C2D1"]))
                raise RuntimeError("the draw failed")
        except RuntimeError:
            pass  # a caller that swallows the failure still cannot commit the rows
        assert transaction.get_rollback()
    assert (Visit.objects.count(), AuditEvent.objects.count()) == (visits, events)


def test_records_added_in_steps_are_audited_in_one_append_at_the_end(world) -> None:
    with transaction.atomic(), creating(world.users["coord_a"]) as creation:
        creation.add(_visits(world.participant_a, ["C1D1"]))
        assert not history(creation.records[0])  # stored, its event still to come
        creation.add(_visits(world.participant_a, ["C2D1"]))
    first = creation.events[0].seq
    assert [e.seq for e in creation.events] == [first, first + 1]
    assert [history(r).get().seq for r in creation.records] == [e.seq for e in creation.events]
