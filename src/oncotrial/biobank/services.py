"""Biobank actions: collect, aliquot, check in and out, ship, receive, flag, record fate.

Every action writes through `save_record`, so each step of the chain of
custody is one audited event. Consent is checked at collection (the material:
tissue, blood or urine) and at shipment (the material and the assay the
shipment releases the specimen for: WES, proteomics or future research).

Freeze–thaw rule: storage positions are in freezers, so a specimen checked in
is frozen. Its first check-in is its first freezing and counts no thaw; every
later check-in (which necessarily follows a check-out) counts one
freeze–thaw cycle, because the specimen was out of the freezer in between.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oncotrial.audit.services import save_record
from oncotrial.biobank.models import (
    Box,
    Placement,
    Shipment,
    ShipmentItem,
    Specimen,
    position_label,
)
from oncotrial.consent.models import OPTIONAL_CONSENTS, Withdrawal
from oncotrial.consent.services import current_consent
from oncotrial.participants.models import Participant

# The consent each material needs (protocol consent.optional vocabulary).
CONSENT_FOR_TYPE = {
    "ffpe_block": "tissue",
    "ffpe_slides": "tissue",
    "fresh_frozen_tissue": "tissue",
    "whole_blood": "blood",
    "plasma": "blood",
    "serum": "blood",
    "pbmc": "blood",
    "urine": "urine",
}


class BiobankRefused(ValueError):
    """An action the rules refuse; `field` names the form field at fault."""

    def __init__(self, message: Any, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


def samples_withdrawn(participant: Participant) -> Withdrawal | None:
    """The withdrawal of consent for samples and data, if there is one."""
    consent = current_consent(participant)
    if consent is None:
        return None
    for withdrawal in consent.withdrawals.all():
        if withdrawal.voided_at is None and withdrawal.scope == Withdrawal.Scope.SAMPLES_AND_DATA:
            return withdrawal
    return None


def missing_consent(participant: Participant, *scopes: str) -> str | None:
    """The message naming the first consent `participant` has not given, or None."""
    consent = current_consent(participant)
    if consent is None:
        return str(_("The participant has no valid consent."))
    if samples_withdrawn(participant) is not None:
        return str(_("The participant has withdrawn consent for samples and data."))
    for scope in scopes:
        if not getattr(consent, scope):
            return str(
                _("The participant has not consented to: %(consent)s.")
                % {"consent": OPTIONAL_CONSENTS[scope]}
            )
    return None


def _next_barcode(participant: Participant) -> tuple[Participant, int, str]:
    """Lock the participant row and take its next specimen sequence (in a transaction)."""
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    last = Specimen.objects.filter(participant=locked).aggregate(m=Max("sequence"))["m"] or 0
    return locked, last + 1, f"ESO-{locked.screening_number}-{last + 1:03d}"


def collection_for(protocol: Any, timepoint: str, specimen_type: str) -> str | None:
    """The protocol collection id planning `specimen_type` at `timepoint`."""
    for entry in protocol.specimens:
        if entry.timepoint == timepoint and specimen_type in entry.types:
            return entry.id
    return None


def collect(specimen: Specimen, participant: Participant, actor: Any, protocol: Any) -> Specimen:
    """Record a primary specimen with a new barcode, if consent allows it."""
    problem = missing_consent(participant, CONSENT_FOR_TYPE[specimen.specimen_type])
    if problem:
        raise BiobankRefused(problem, "specimen_type")
    collection_id = collection_for(protocol, specimen.timepoint, specimen.specimen_type)
    if collection_id is None:
        raise BiobankRefused(
            _("The protocol plans no %(type)s at this time point.")
            % {"type": specimen.get_specimen_type_display()},
            "timepoint",
        )
    with transaction.atomic():
        locked, sequence, barcode = _next_barcode(participant)
        specimen.participant = locked
        specimen.parent = None
        specimen.sequence, specimen.barcode = sequence, barcode
        specimen.collection_id = collection_id
        save_record(specimen, actor=actor)
    return specimen


def derive_aliquots(
    parent: Specimen,
    *,
    specimen_type: str,
    count: int,
    quantity: Decimal,
    unit: str,
    actor: Any,
    processing_minutes: int | None = None,
) -> list[Specimen]:
    """`count` aliquots of `parent`, each with its own barcode, in one transaction."""
    if parent.fate or parent.flagged_for_destruction_at:
        raise BiobankRefused(_("This specimen is flagged for destruction."))
    problem = missing_consent(parent.participant, CONSENT_FOR_TYPE[specimen_type])
    if problem:
        raise BiobankRefused(problem, "specimen_type")
    made = []
    with transaction.atomic():
        for _n in range(count):
            locked, sequence, barcode = _next_barcode(parent.participant)
            aliquot = Specimen(
                participant=locked,
                parent=parent,
                sequence=sequence,
                barcode=barcode,
                collection_id=parent.collection_id,
                specimen_type=specimen_type,
                timepoint=parent.timepoint,
                collected_at=parent.collected_at,
                processing_minutes=processing_minutes,
                quantity=quantity,
                unit=unit,
                collected_by=actor,
            )
            save_record(aliquot, actor=actor)
            made.append(aliquot)
    return made


def lineage(specimen: Specimen) -> list[Specimen]:
    """The ancestors of `specimen`, the primary specimen first."""
    chain = []
    node = specimen.parent
    while node is not None:
        chain.append(node)
        node = node.parent
    return chain[::-1]


def descendants(specimen: Specimen) -> list[tuple[int, Specimen]]:
    """(depth, specimen) of every aliquot below `specimen`, depth first."""
    out = []

    def walk(node: Specimen, depth: int) -> None:
        for child in node.children.filter(voided_at__isnull=True).order_by("sequence"):
            out.append((depth, child))
            walk(child, depth + 1)

    walk(specimen, 1)
    return out


def current_placement(specimen: Specimen) -> Placement | None:
    return (
        specimen.placements.filter(checked_out_at__isnull=True, voided_at__isnull=True)
        .select_related("box__rack__freezer__site")
        .first()
    )


def shipped(specimen: Specimen) -> ShipmentItem | None:
    return (
        specimen.shipment_items.filter(voided_at__isnull=True, shipment__shipped_at__isnull=False)
        .select_related("shipment")
        .first()
    )


def check_in(specimen: Specimen, box: Box, row: int, column: int, actor: Any) -> Placement:
    """Put `specimen` into a free position of `box`.

    The partial unique constraints decide between simultaneous check-ins: the
    loser's transaction fails and is answered with the occupied position.
    """
    if not (1 <= row <= box.rows):
        raise BiobankRefused(
            _("The box has rows A to %(last)s.") % {"last": position_label(box.rows, 1)[0]},
            "position",
        )
    if not (1 <= column <= box.columns):
        raise BiobankRefused(
            _("The box has columns 1 to %(last)s.") % {"last": box.columns}, "position"
        )
    if specimen.fate or specimen.flagged_for_destruction_at:
        raise BiobankRefused(_("This specimen is flagged for destruction."), "position")
    if shipped(specimen):
        raise BiobankRefused(_("This specimen has been shipped."), "position")
    occupied = _("Position %(position)s of box %(box)s is occupied.") % {
        "position": position_label(row, column),
        "box": box.name,
    }
    try:
        with transaction.atomic():
            stored = Specimen.objects.select_for_update().get(pk=specimen.pk)
            if current_placement(stored) is not None:
                raise BiobankRefused(_("This specimen is already checked in."), "position")
            if Placement.objects.filter(
                box=box, row=row, column=column, checked_out_at__isnull=True, voided_at__isnull=True
            ).exists():
                raise BiobankRefused(occupied, "position")
            placement = Placement(
                specimen=stored,
                box=box,
                row=row,
                column=column,
                checked_in_at=timezone.now(),
                checked_in_by=actor,
            )
            save_record(placement, actor=actor)
            if stored.placements.filter(voided_at__isnull=True).exclude(pk=placement.pk).exists():
                stored.freeze_thaw_count += 1
                save_record(stored, actor=actor, reason=str(_("Checked in again after a thaw.")))
            specimen.freeze_thaw_count = stored.freeze_thaw_count
    except IntegrityError as exc:
        raise BiobankRefused(occupied, "position") from exc
    return placement


def check_out(specimen: Specimen, reason: str, actor: Any) -> Placement:
    with transaction.atomic():
        placement = current_placement(specimen)
        if placement is None:
            raise BiobankRefused(_("This specimen is not checked in."), "out_reason")
        placement.checked_out_at = timezone.now()
        placement.checked_out_by = actor
        placement.out_reason = reason
        save_record(placement, actor=actor)
    return placement


def release_problem(specimen: Specimen, assay: str) -> str | None:
    """Why `specimen` cannot be released for `assay`, or None."""
    if specimen.fate or specimen.flagged_for_destruction_at:
        return str(_("Specimen %(barcode)s is flagged for destruction.") % {"barcode": specimen})
    problem = missing_consent(specimen.participant, CONSENT_FOR_TYPE[specimen.specimen_type], assay)
    if problem:
        return f"{specimen.barcode}: {problem}"
    return None


def add_to_shipment(shipment: Shipment, specimen: Specimen, actor: Any) -> ShipmentItem:
    if shipment.shipped_at is not None:
        raise BiobankRefused(_("The shipment has left; nothing can be added."), "barcode")
    if specimen.participant.site_id != shipment.site_id:
        raise BiobankRefused(
            _("Specimen %(barcode)s belongs to another site than the shipment.")
            % {"barcode": specimen.barcode},
            "barcode",
        )
    problem = release_problem(specimen, shipment.assay)
    if problem:
        raise BiobankRefused(problem, "barcode")
    try:
        with transaction.atomic():
            item = ShipmentItem(shipment=shipment, specimen=specimen)
            save_record(item, actor=actor)
    except IntegrityError as exc:
        raise BiobankRefused(
            _("Specimen %(barcode)s is already on a shipment.") % {"barcode": specimen.barcode},
            "barcode",
        ) from exc
    return item


def items_of(shipment: Shipment) -> list[ShipmentItem]:
    return list(
        shipment.items.filter(voided_at__isnull=True).select_related(
            "specimen__participant", "specimen__parent"
        )
    )


def dispatch(shipment: Shipment, actor: Any) -> None:
    """Send the shipment: consent is checked again, stored items are checked out."""
    items = items_of(shipment)
    if not items:
        raise BiobankRefused(_("The shipment has no specimen."), "barcode")
    if shipment.shipped_at is not None:
        raise BiobankRefused(_("The shipment has already left."))
    problems = [p for item in items if (p := release_problem(item.specimen, shipment.assay))]
    if problems:
        raise BiobankRefused(" ".join(problems), "barcode")
    with transaction.atomic():
        for item in items:
            if current_placement(item.specimen) is not None:
                check_out(item.specimen, Placement.OutReason.SHIPMENT, actor)
        shipment.shipped_at = timezone.now()
        shipment.shipped_by = actor
        save_record(shipment, actor=actor)


def confirm_receipt(
    shipment: Shipment, received_at: dt.datetime, received_by: str, note: str, actor: Any
) -> None:
    if shipment.shipped_at is None:
        raise BiobankRefused(_("The shipment has not left yet."), "received_at")
    # A typed time has minutes only: compare at that precision.
    if received_at < shipment.shipped_at.replace(second=0, microsecond=0):
        raise BiobankRefused(_("Receipt cannot precede shipment."), "received_at")
    shipment.received_at = received_at
    shipment.received_by_name = received_by
    shipment.receipt_note = note
    save_record(shipment, actor=actor)


def flag_for_withdrawal(withdrawal: Withdrawal, actor: Any = None) -> list[Specimen]:
    """Flag for destruction every specimen of the participant without a fate yet."""
    participant = withdrawal.consent.participant
    flagged = []
    with transaction.atomic():
        for specimen in Specimen.objects.select_for_update().filter(
            participant=participant,
            voided_at__isnull=True,
            flagged_for_destruction_at__isnull=True,
            fate="",
        ):
            specimen.flagged_for_destruction_at = timezone.now()
            save_record(
                specimen,
                actor=actor,
                reason=str(
                    _("Consent for samples and data withdrawn on %(date)s.")
                    % {"date": withdrawal.withdrawn_on}
                ),
            )
            flagged.append(specimen)
    return flagged


def record_fate(specimen: Specimen, fate: str, reason: str, actor: Any) -> None:
    """Record what became of a specimen flagged for destruction."""
    if specimen.flagged_for_destruction_at is None:
        raise BiobankRefused(_("Only a specimen flagged for destruction gets a fate."), "fate")
    if specimen.fate:
        raise BiobankRefused(_("The fate of this specimen is already recorded."), "fate")
    if fate != "destroyed" and not reason.strip():
        raise BiobankRefused(_("Give the reason it was returned or retained."), "fate_reason")
    with transaction.atomic():
        if current_placement(specimen) is not None and fate != "retained":
            check_out(specimen, Placement.OutReason.DESTRUCTION, actor)
        specimen.fate = fate
        specimen.fate_reason = reason.strip()
        specimen.fate_recorded_at = timezone.now()
        save_record(specimen, actor=actor, reason=reason.strip() or str(_("Fate recorded.")))
