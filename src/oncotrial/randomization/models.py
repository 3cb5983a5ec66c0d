"""The allocation scheme, its concealed sequences, allocations and corrections.

The sequences (minimization draws, block slots) are written once when the
scheme is set up, under a SHA-256 commitment; no page shows them to anyone
but the designated allocation statistician, and that view is audited.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from oncotrial.audit.models import AuditedModel
from oncotrial.participants.models import Participant
from oncotrial.trial.models import ProtocolVersion


class AllocationScheme(models.Model):
    """The committed allocation scheme of one protocol version."""

    protocol_version = models.OneToOneField(ProtocolVersion, on_delete=models.PROTECT)
    method = models.CharField(max_length=20)
    parameters = models.JSONField()
    commitment = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    designated_statistician = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.protocol_version} {self.method} {self.commitment[:12]}"


class MinimizationDraw(models.Model):
    scheme = models.ForeignKey(AllocationScheme, on_delete=models.PROTECT, related_name="draws")
    index = models.PositiveIntegerField()
    draw = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scheme", "index"], name="one_draw_per_index")
        ]

    def __str__(self) -> str:
        return f"draw #{self.index}"


class BlockSlot(models.Model):
    scheme = models.ForeignKey(AllocationScheme, on_delete=models.PROTECT, related_name="slots")
    stratum_key = models.CharField(max_length=200)
    slot = models.PositiveIntegerField()
    block = models.PositiveIntegerField()
    block_size = models.PositiveSmallIntegerField()
    arm = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "stratum_key", "slot"], name="one_block_slot_per_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.stratum_key} slot {self.slot}"


class Allocation(AuditedModel):
    """A participant's cohort and arm, made once and never edited in place."""

    class Cohort(models.TextChoices):
        RANDOMIZED = "randomized", _("Randomized cohort")
        PREFERENCE = "preference", _("Preference cohort")

    participant = models.OneToOneField(
        Participant, on_delete=models.PROTECT, related_name="allocation"
    )
    scheme = models.ForeignKey(AllocationScheme, on_delete=models.PROTECT, related_name="+")
    protocol_version = models.ForeignKey(
        ProtocolVersion, on_delete=models.PROTECT, related_name="+"
    )
    cohort = models.CharField(_("cohort"), max_length=12, choices=Cohort.choices)
    arm = models.CharField(_("arm"), max_length=32)
    allocated_at = models.DateTimeField(_("allocated at"))
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.UUIDField(unique=True)
    method = models.CharField(max_length=20)
    factor_levels = models.JSONField(default=dict)
    stratum_key = models.CharField(max_length=200, blank=True)
    draw_index = models.PositiveIntegerField(null=True, blank=True)
    draw = models.BigIntegerField(null=True, blank=True)
    slot = models.PositiveIntegerField(null=True, blank=True)
    imbalance_scores = models.JSONField(null=True, blank=True)
    decision = models.JSONField(null=True, blank=True)
    preference_reason = models.TextField(_("reason for the choice"), blank=True)

    site_path: ClassVar[str] = "participant__site"

    class Meta:
        ordering = ["allocated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "draw_index"],
                condition=Q(draw_index__isnull=False),
                name="one_allocation_per_draw",
            ),
            models.UniqueConstraint(
                fields=["scheme", "stratum_key", "slot"],
                condition=Q(slot__isnull=False),
                name="one_allocation_per_block_slot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} {self.cohort} {self.arm}"


class AllocationCorrection(AuditedModel):
    """A correction of an allocation by the trial administrator, with its reason."""

    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="corrections")
    field = models.CharField(max_length=12, choices=[("arm", _("arm")), ("cohort", _("cohort"))])
    old_value = models.CharField(max_length=32)
    new_value = models.CharField(max_length=32)
    reason = models.TextField(_("reason"))
    corrected_at = models.DateTimeField()
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    site_path: ClassVar[str] = "allocation__participant__site"

    def __str__(self) -> str:
        return f"{self.allocation} {self.field}: {self.old_value} -> {self.new_value}"
