"""Audit storage: the event log, its chain head, and the base of audited models."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditRefused(Exception):
    """A write that would bypass the audit trail."""


class AuditedQuerySet(models.QuerySet):
    """Bulk writes skip per-row auditing, so they are refused outright."""

    def update(self, **kwargs: Any) -> int:
        raise AuditRefused(
            f"bulk update of {self.model._meta.label} is refused: change each record "
            "through oncotrial.audit.services.save_record so the change is audited"
        )

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditRefused(
            f"deleting {self.model._meta.label} is refused: records are voided with a reason"
        )

    def bulk_create(self, *args: Any, **kwargs: Any) -> list[Any]:
        raise AuditRefused(f"bulk_create of {self.model._meta.label} bypasses the audit trail")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AuditRefused(f"bulk_update of {self.model._meta.label} bypasses the audit trail")


class AuditedModel(models.Model):
    """A record whose every write is audited and which is voided, never deleted.

    `save()` only works inside `oncotrial.audit.services`, which records who,
    when, what changed and why in the same transaction.
    """

    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True, editable=False)
    void_reason = models.TextField(_("reason for voiding"), blank=True, editable=False)

    objects = AuditedQuerySet.as_manager()

    # The path from this model to its Site, for site scoping of the record
    # and of its audit events ("" for records that belong to no site).
    site_path: ClassVar[str] = ""
    # Fields whose values the audit log must not copy (none so far).
    audit_exclude: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not getattr(self, "_audit_permitted", False):
            raise AuditRefused(
                f"{self._meta.label} must be saved through oncotrial.audit.services.save_record"
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AuditRefused(f"{self._meta.label} is voided with a reason, never deleted")

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None

    def audit_site_id(self) -> int | None:
        if not self.site_path:
            return None
        node: Any = self
        parts = self.site_path.split("__")
        for part in parts[:-1]:
            node = getattr(node, part)
        return getattr(node, f"{parts[-1]}_id")


class AuditEvent(models.Model):
    """One audited happening. Rows are only ever inserted.

    On PostgreSQL a trigger rejects UPDATE and DELETE even for the table's
    owner (migration 0002); the hash chain catches anything that gets past it.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        VOID = "void", _("voided")
        LOGIN = "login", _("logged in")
        LOGIN_FAILED = "login_failed", _("failed login")
        LOGOUT = "logout", _("logged out")
        SIGN = "sign", _("signed")
        VIEW_RESTRICTED = "view_restricted", _("viewed restricted data")

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150)
    action = models.CharField(max_length=32, choices=Action.choices)
    record_type = models.CharField(max_length=100, db_index=True)
    record_id = models.CharField(max_length=64, blank=True, db_index=True)
    site_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    changes = models.JSONField(default=dict)
    reason = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64, unique=True)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["record_type", "record_id", "seq"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.record_type}:{self.record_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditRefused("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AuditRefused("audit events are append-only")

    def chain_content(self) -> dict[str, Any]:
        """The fields covered by the hash (see `oncotrial.audit.chain`)."""
        return {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "action": self.action,
            "record_type": self.record_type,
            "record_id": self.record_id,
            "site_id": self.site_id,
            "changes": self.changes,
            "reason": self.reason,
        }


class AuditChainHead(models.Model):
    """The newest link. Appends lock this single row, so the chain cannot fork."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"head #{self.seq} {self.hash[:12]}"
