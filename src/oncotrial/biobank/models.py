"""Biobank records: specimens and their aliquots, storage, shipments.

A primary specimen (collected from the participant) and an aliquot (derived
from a parent specimen) are both `Specimen` rows: `parent` makes the lineage
tree. Every record is audited through `oncotrial.audit.services.save_record`,
so the whole chain of custody (collection, derivation, check-in, check-out,
shipment, receipt, destruction flag and fate) is in the audit trail.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from oncotrial.accounts.models import Site
from oncotrial.audit.models import AuditedModel
from oncotrial.participants.models import Participant


class SpecimenType(models.TextChoices):
    FFPE_BLOCK = "ffpe_block", _("FFPE block")
    FFPE_SLIDES = "ffpe_slides", _("FFPE slides")
    FRESH_FROZEN_TISSUE = "fresh_frozen_tissue", _("Fresh-frozen tissue")
    WHOLE_BLOOD = "whole_blood", _("Whole blood")
    PLASMA = "plasma", _("Plasma")
    SERUM = "serum", _("Serum")
    PBMC = "pbmc", _("PBMC")
    URINE = "urine", _("Urine")


class TimePoint(models.TextChoices):
    BASELINE = "baseline", _("Baseline")
    PRE_RADIOTHERAPY = "pre_radiotherapy", _("Before radiotherapy")
    POST_RADIOTHERAPY = "post_radiotherapy", _("After radiotherapy")
    PROGRESSION = "progression", _("Progression")


class Unit(models.TextChoices):
    ML = "mL", "mL"
    UL = "uL", "µL"
    MG = "mg", "mg"
    BLOCKS = "blocks", _("blocks")
    SLIDES = "slides", _("slides")
    CELLS = "cells", _("million cells")


class Fate(models.TextChoices):
    DESTROYED = "destroyed", _("Destroyed")
    RETURNED = "returned", _("Returned")
    RETAINED = "retained", _("Retained")


class Specimen(AuditedModel):
    """A collected specimen or an aliquot of one (`parent` set).

    The barcode is `ESO-<screening number>-<sequence>`, the sequence counted
    per participant inside a transaction that locks the participant row, with
    unique constraints behind it.
    """

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="specimens", editable=False
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        editable=False,
    )
    sequence = models.PositiveIntegerField(editable=False)
    barcode = models.CharField(_("barcode"), max_length=40, unique=True, editable=False)
    collection_id = models.CharField(_("protocol collection"), max_length=40, editable=False)
    specimen_type = models.CharField(
        _("specimen type"), max_length=20, choices=SpecimenType.choices
    )
    timepoint = models.CharField(_("time point"), max_length=20, choices=TimePoint.choices)
    collected_at = models.DateTimeField(_("collected at"))
    processing_minutes = models.PositiveIntegerField(
        _("processing interval to freezing (minutes)"), null=True, blank=True
    )
    quantity = models.DecimalField(_("quantity"), max_digits=8, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("collected by"),
    )
    freeze_thaw_count = models.PositiveSmallIntegerField(
        _("freeze–thaw cycles"), default=0, editable=False
    )
    flagged_for_destruction_at = models.DateTimeField(
        _("flagged for destruction at"), null=True, blank=True, editable=False
    )
    fate = models.CharField(_("fate"), max_length=10, choices=Fate.choices, blank=True)
    fate_reason = models.TextField(_("reason for the fate"), blank=True)
    fate_recorded_at = models.DateTimeField(
        _("fate recorded at"), null=True, blank=True, editable=False
    )

    site_path: ClassVar[str] = "participant__site"

    class Meta:
        ordering = ["participant", "sequence"]
        verbose_name = _("specimen")
        verbose_name_plural = _("specimens")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "sequence"], name="one_specimen_sequence_per_participant"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="specimen_quantity_positive"),
        ]

    def __str__(self) -> str:
        return self.barcode

    @property
    def is_aliquot(self) -> bool:
        return self.parent_id is not None


class Freezer(AuditedModel):
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site")
    )
    name = models.CharField(_("freezer"), max_length=60)
    temperature_c = models.SmallIntegerField(_("temperature (°C)"), default=-80)

    site_path: ClassVar[str] = "site"

    class Meta:
        ordering = ["site__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="one_freezer_name_per_site")
        ]

    def __str__(self) -> str:
        return f"{self.site.code} {self.name}"


class Rack(AuditedModel):
    freezer = models.ForeignKey(
        Freezer, on_delete=models.PROTECT, related_name="racks", verbose_name=_("freezer")
    )
    name = models.CharField(_("rack"), max_length=60)

    site_path: ClassVar[str] = "freezer__site"

    class Meta:
        ordering = ["freezer", "name"]
        constraints = [
            models.UniqueConstraint(fields=["freezer", "name"], name="one_rack_name_per_freezer")
        ]

    def __str__(self) -> str:
        return f"{self.freezer} / {self.name}"


class Box(AuditedModel):
    rack = models.ForeignKey(
        Rack, on_delete=models.PROTECT, related_name="boxes", verbose_name=_("rack")
    )
    name = models.CharField(_("box"), max_length=60)
    rows = models.PositiveSmallIntegerField(_("rows"), default=9)
    columns = models.PositiveSmallIntegerField(_("columns"), default=9)

    site_path: ClassVar[str] = "rack__freezer__site"

    class Meta:
        ordering = ["rack", "name"]
        verbose_name = _("box")
        verbose_name_plural = _("boxes")
        constraints = [
            models.UniqueConstraint(fields=["rack", "name"], name="one_box_name_per_rack"),
            models.CheckConstraint(
                condition=Q(rows__gte=1, rows__lte=26, columns__gte=1, columns__lte=26),
                name="box_size_1_to_26",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rack} / {self.name}"


def position_label(row: int, column: int) -> str:
    """A1 … Z26: the row as a letter, the column as a number."""
    return f"{chr(ord('A') + row - 1)}{column}"


class Placement(AuditedModel):
    """A specimen's stay in one box position, from check-in to check-out.

    While `checked_out_at` is empty the placement holds its position: two
    partial unique constraints make a position hold one specimen, and a
    specimen sit in one position, at a time, on SQLite and PostgreSQL alike.
    """

    class OutReason(models.TextChoices):
        USE = "use", _("Taken out for use or aliquoting")
        SHIPMENT = "shipment", _("Shipped")
        MOVE = "move", _("Moved to another position")
        DESTRUCTION = "destruction", _("Taken out for destruction")

    specimen = models.ForeignKey(Specimen, on_delete=models.PROTECT, related_name="placements")
    box = models.ForeignKey(Box, on_delete=models.PROTECT, related_name="placements")
    row = models.PositiveSmallIntegerField(_("row"))
    column = models.PositiveSmallIntegerField(_("column"))
    checked_in_at = models.DateTimeField(_("checked in at"))
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    out_reason = models.CharField(
        _("reason for taking out"), max_length=12, choices=OutReason.choices, blank=True
    )

    site_path: ClassVar[str] = "specimen__participant__site"

    class Meta:
        ordering = ["checked_in_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["box", "row", "column"],
                condition=Q(checked_out_at__isnull=True, voided_at__isnull=True),
                name="one_specimen_per_position",
            ),
            models.UniqueConstraint(
                fields=["specimen"],
                condition=Q(checked_out_at__isnull=True, voided_at__isnull=True),
                name="one_position_per_specimen",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.specimen} @ {self.box} {self.position}"

    @property
    def position(self) -> str:
        return position_label(self.row, self.column)


class Assay(models.TextChoices):
    WES = "wes", _("Whole exome sequencing")
    PROTEOMICS = "proteomics", _("Proteomics")
    FUTURE_RESEARCH = "future_research", _("Future research")


class Shipment(AuditedModel):
    """Specimens of one site sent to a central laboratory for one assay."""

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("sending site")
    )
    destination = models.CharField(_("central laboratory"), max_length=120)
    assay = models.CharField(_("released for"), max_length=20, choices=Assay.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True, editable=False)
    shipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by_name = models.CharField(_("received by"), max_length=120, blank=True)
    receipt_note = models.TextField(_("condition on arrival"), blank=True)

    site_path: ClassVar[str] = "site"

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"SHP-{self.pk:05d}" if self.pk else "SHP-new"


class ShipmentItem(AuditedModel):
    shipment = models.ForeignKey(Shipment, on_delete=models.PROTECT, related_name="items")
    specimen = models.ForeignKey(Specimen, on_delete=models.PROTECT, related_name="shipment_items")

    site_path: ClassVar[str] = "shipment__site"

    class Meta:
        ordering = ["pk"]
        constraints = [
            # A specimen leaves once: it is on one shipment at most.
            models.UniqueConstraint(
                fields=["specimen"],
                condition=Q(voided_at__isnull=True),
                name="one_shipment_per_specimen",
            )
        ]

    def __str__(self) -> str:
        return f"{self.shipment} {self.specimen}"
