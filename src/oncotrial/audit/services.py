"""Writing audited records and appending audit events.

Every write of an `AuditedModel` goes through `save_record`, `void_record`
or a `creating` block (new records stored together, their events appended in
one go): the record and its audit event are written in one transaction, so
neither exists without the other. The chain head row is locked for the append, which
serialises appends on PostgreSQL (on SQLite the immediate transaction does).
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, models, transaction
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oncotrial.audit.chain import GENESIS, Verdict, event_hash, verify
from oncotrial.audit.chain import ChainedEvent as _ChainedEvent
from oncotrial.audit.models import AuditChainHead, AuditedModel, AuditEvent


class ReasonRequired(ValueError):
    """A change after first entry, or a voiding, without a reason."""

    field = "reason"


def _plain(value: Any) -> Any:
    """A JSON-native form of a field value, stable across databases."""
    if value is None or type(value) in (str, int, float, bool):
        return value  # the common case, first: snapshots call this for every field
    if isinstance(value, dt.datetime):
        return (
            value.astimezone(dt.UTC).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def snapshot(record: models.Model) -> dict[str, Any]:
    """The audited values of a record's concrete fields (foreign keys as ids)."""
    exclude = getattr(record, "audit_exclude", frozenset())
    return {
        field.attname: _plain(field.value_from_object(record))
        for field in record._meta.concrete_fields
        if not field.primary_key and field.name not in exclude
    }


def _entered(value: Any) -> bool:
    """Whether a stored value counts as entered (filling in a blank is first entry)."""
    return value not in (None, "", [], {})


def changes_between(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for each field whose value differs."""
    old = old or {}
    return {k: [old.get(k), v] for k, v in new.items() if old.get(k) != v}


@dataclass(frozen=True)
class EventSpec:
    """One event to append: what happened to which record, and why."""

    action: str
    record_type: str
    record_id: str = ""
    site_id: int | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    reason: str = ""


def unchained_events(
    specs: Sequence[EventSpec], *, actor: Any, actor_name: str | None = None
) -> list[AuditEvent]:
    """Events built from `specs`, dated now, not yet on the chain (no sequence
    number or hash): `chain` puts them there."""
    user = actor if getattr(actor, "pk", None) else None
    name = actor_name or (user.get_username() if user else "system")
    at = timezone.now()
    return [
        AuditEvent(
            at=at,
            actor=user,
            actor_name=name,
            action=spec.action,
            record_type=spec.record_type,
            record_id=str(spec.record_id),
            site_id=spec.site_id,
            changes=_plain(spec.changes),
            reason=spec.reason,
        )
        for spec in specs
    ]


def chain(events: Sequence[AuditEvent]) -> list[AuditEvent]:
    """Put events on the chain in one go: the head row is locked once, each
    event gets its sequence number and hash, and they are inserted together.
    Must run inside the caller's transaction (the head stays locked until it
    commits, so the chain cannot fork)."""
    if not events:
        return []
    # No savepoint: an append that fails fails its whole transaction.
    with transaction.atomic(savepoint=False):
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"seq": 0, "hash": GENESIS}
        )
        seq, prev = head.seq, head.hash
        for event in events:
            seq += 1
            event.seq, event.prev_hash = seq, prev
            event.hash = prev = event_hash(event.chain_content(), prev)
        _insert(events)
        head.seq, head.hash = seq, prev
        head.save(update_fields=["seq", "hash"])
    return list(events)


def append_events(
    specs: Sequence[EventSpec], *, actor: Any, actor_name: str | None = None
) -> list[AuditEvent]:
    """Append events to the chain in one go (see `chain`)."""
    return chain(unchained_events(specs, actor=actor, actor_name=actor_name))


INSERT_BATCH = 500  # events per INSERT statement


def _insert(events: list[AuditEvent]) -> None:
    """Insert the events with one multi-row INSERT: an allocation writes 26 at
    once, and the ORM's bulk insert costs about twice the CPU (measured with
    bench/allocation.py). Each value is prepared by its field as the ORM would."""
    connection = connections[AuditEvent.objects.db]
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        # Batches keep each statement within SQLite's limit on parameters.
        for start in range(0, len(events), INSERT_BATCH):
            batch = events[start : start + INSERT_BATCH]
            params = [
                f.get_db_prep_save(getattr(e, f.attname), connection) for e in batch for f in fields
            ]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(batch))}", params
            )


def append_event(
    *,
    actor: Any,
    action: str,
    record_type: str,
    record_id: str = "",
    site_id: int | None = None,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    actor_name: str | None = None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction."""
    spec = EventSpec(action, record_type, str(record_id), site_id, changes or {}, reason)
    return append_events([spec], actor=actor, actor_name=actor_name)[0]


@contextmanager
def _permitted(record: AuditedModel) -> Iterator[None]:
    record._audit_permitted = True  # type: ignore[attr-defined]
    try:
        yield
    finally:
        record._audit_permitted = False  # type: ignore[attr-defined]


def save_record(record: AuditedModel, *, actor: Any, reason: str = "") -> AuditEvent | None:
    """Create or change `record` and audit it.

    Filling in a value that was blank is first entry; changing a value already
    entered needs a reason (DESIGN.md "Storage").

    Returns the audit event, or None when nothing changed (nothing is written).
    """
    reason = (reason or "").strip()
    model = type(record)
    with transaction.atomic():
        old = None
        if record.pk is not None:
            stored = model._base_manager.select_for_update().filter(pk=record.pk).first()
            old = snapshot(stored) if stored is not None else None
        if old is not None and stored is not None and stored.voided_at is not None:
            raise ValueError(f"{model._meta.verbose_name} {record.pk} is voided and cannot change")
        new = snapshot(record)
        changes = changes_between(old, new)
        if old is not None and not changes:
            return None
        if old is not None and not reason and any(_entered(was) for was, _ in changes.values()):
            raise ReasonRequired(_("A change to a value already entered needs a reason."))
        with _permitted(record):
            record.save()
        return append_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE if old is not None else AuditEvent.Action.CREATE,
            record_type=model._meta.label_lower,
            record_id=str(record.pk),
            site_id=record.audit_site_id(),
            changes=changes,
            reason=reason,
        )


def _new_by_model(records: Sequence[AuditedModel]) -> dict[type[AuditedModel], list[Any]]:
    """New records grouped by model, or a ValueError before anything is written."""
    by_model: dict[type[AuditedModel], list[AuditedModel]] = {}
    for record in records:
        model = type(record)
        if record.pk is not None:
            raise ValueError(f"creating() takes new records; {record!r} is stored")
        if post_save.has_listeners(model):
            raise ValueError(f"{model._meta.label} has post_save receivers: use save_record")
        by_model.setdefault(model, []).append(record)
    return by_model


class Creation:
    """New records stored as they are added and audited together at the end
    of the `creating` block (one chain append for all of them)."""

    def __init__(self, actor: Any) -> None:
        self.actor = actor
        self.records: list[AuditedModel] = []
        self.pending: list[AuditEvent] = []
        self.events: list[AuditEvent] = []  # once the block has ended
        self.wrote = False

    def add(self, records: Sequence[AuditedModel]) -> None:
        """Insert new records now, one insert per model; their create events,
        with every value as stored, are appended when the block ends.

        `post_save` receivers do not run for a bulk insert, so a model that has
        any is refused: create its records one by one with `save_record`.
        """
        by_model = _new_by_model(records)
        self.wrote = True
        for model, group in by_model.items():
            # The audited queryset refuses bulk writes from elsewhere; here
            # each row gets its own event in the same transaction.
            models.QuerySet(model).bulk_create(group)
        self.records.extend(records)
        # Built now, so that the end of the block only chains and inserts them.
        self.pending.extend(
            unchained_events(
                [
                    EventSpec(
                        AuditEvent.Action.CREATE,
                        r._meta.label_lower,
                        str(r.pk),
                        r.audit_site_id(),
                        changes_between(None, snapshot(r)),
                    )
                    for r in records
                ],
                actor=self.actor,
            )
        )


@contextmanager
def creating(actor: Any) -> Iterator[Creation]:
    """Store new records in steps and audit them all in one append at the end.

    An allocation stores its visit schedule first and takes the scheme's lock
    only for the draw, the allocation row and this append. Runs inside the
    caller's transaction; if the block fails, the transaction is marked for
    rollback, so no record it stored can be committed without its event.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("creating() must run inside a transaction")
    creation = Creation(actor)
    try:
        yield creation
    except BaseException:
        if creation.wrote:
            transaction.set_rollback(True)
        raise
    creation.events = chain(creation.pending)


def void_record(record: AuditedModel, *, actor: Any, reason: str) -> AuditEvent:
    """Void `record` with a reason; it stays in the database and in its history."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(_("Voiding a record needs a reason."))
    model = type(record)
    with transaction.atomic():
        stored = model._base_manager.select_for_update().get(pk=record.pk)
        if stored.voided_at is not None:
            raise ValueError(f"{model._meta.verbose_name} {record.pk} is already voided")
        record.voided_at = timezone.now()
        record.void_reason = reason
        with _permitted(record):
            record.save(update_fields=["voided_at", "void_reason"])
        return append_event(
            actor=actor,
            action=AuditEvent.Action.VOID,
            record_type=model._meta.label_lower,
            record_id=str(record.pk),
            site_id=record.audit_site_id(),
            changes={"voided_at": [None, _plain(record.voided_at)]},
            reason=reason,
        )


def history(record: models.Model) -> models.QuerySet[AuditEvent]:
    """The audit events of one record, oldest first."""
    return AuditEvent.objects.filter(
        record_type=record._meta.label_lower, record_id=str(record.pk)
    ).select_related("actor")


def verify_chain(batch_size: int = 2000) -> Verdict:
    """Verify the whole audit chain against its head (`oncotrial audit verify`)."""
    head = AuditChainHead.objects.filter(pk=1).first()

    def events() -> Iterator[_ChainedEvent]:
        for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size):
            yield _ChainedEvent(event.seq, event.chain_content(), event.prev_hash, event.hash)

    return verify(events(), head.hash if head else None, head.seq if head else None)
