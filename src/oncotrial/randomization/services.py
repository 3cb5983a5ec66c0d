"""Allocating participants, exactly once, from the committed scheme.

Every allocation runs in one transaction that first locks the scheme's row:
allocations are serialised on PostgreSQL (row lock) and on SQLite (the
immediate transaction), so two requests can never take the same draw or
block slot. Unique constraints on the participant, the draw index, the block
slot and the idempotency key stand behind the lock. A repeated request
(double click, retry) with the same idempotency key, or for a participant
already allocated, returns the existing allocation.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oncotrial.accounts.models import Membership, Site
from oncotrial.accounts.roles import Role
from oncotrial.allocation.blocks import assign_block_slot, generate_block_sequence
from oncotrial.allocation.commitment import commitment, verify_commitment
from oncotrial.allocation.minimization import (
    MinimizationSettings,
    minimization_draws,
    minimize,
    tally,
)
from oncotrial.allocation.stratum import Stratum
from oncotrial.allocation.stream import commitment_nonce
from oncotrial.audit.models import AuditEvent
from oncotrial.audit.services import append_event, creating, save_record
from oncotrial.clinical import staging
from oncotrial.consent.services import is_consented
from oncotrial.participants.models import Participant
from oncotrial.protocol.schema import Protocol
from oncotrial.randomization.models import (
    Allocation,
    AllocationCorrection,
    AllocationScheme,
    BlockSlot,
    MinimizationDraw,
)
from oncotrial.screening import services as screening_services
from oncotrial.screening.models import Screening
from oncotrial.treatment.services import plan_schedule
from oncotrial.trial.current import current_protocol, loaded_protocol
from oncotrial.trial.models import ProtocolVersion
from oncotrial.trial.services import current_protocol_version

DRAWS_PER_PLANNED_PARTICIPANT = 4


class NotReady(Exception):
    """A participant who cannot be allocated now, with the reasons."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__("; ".join(reasons))


def _secret() -> bytes:
    return settings.ALLOCATION_SECRET


def _parameters(protocol: Protocol, sites: list[str]) -> dict[str, Any]:
    a = protocol.allocation
    return {
        "registry_id": protocol.trial.registry_id,
        "protocol_version": protocol.version,
        "method": a.method,
        "arms": [arm.id for arm in protocol.arms],
        "ratio": list(a.ratio),
        "minimizer_probability": str(a.minimizer_probability),
        "imbalance": a.imbalance,
        "block_sizes": list(a.block_sizes),
        "factors": [
            {"id": f.id, "source": f.source, "weight": str(f.weight), "levels": f.levels or sites}
            for f in a.factors
        ],
    }


def _settings(parameters: Mapping[str, Any]) -> MinimizationSettings:
    return MinimizationSettings.from_protocol(
        parameters["arms"],
        [(f["id"], float(f["weight"])) for f in parameters["factors"]],
        float(parameters["minimizer_probability"]),
        parameters["imbalance"],
        parameters["ratio"],
    )


def _sequences(scheme: AllocationScheme) -> dict[str, Any]:
    """The stored sequences, in the form the commitment covers."""
    if scheme.method == "minimization":
        return {"minimization_draws": list(_stored_draws(scheme))}
    blocks: dict[str, list[list[Any]]] = {}
    for s in scheme.slots.order_by("stratum_key", "slot"):
        blocks.setdefault(s.stratum_key, []).append([s.slot, s.block, s.block_size, s.arm])
    return {"blocks": blocks}


def ensure_scheme(actor: Any = None) -> AllocationScheme:
    """The committed scheme of the protocol in force, set up on first use."""
    loaded = loaded_protocol()
    # Nearly always it exists: found in one query by the loaded protocol's
    # identity and content hash (a version loaded with other content has none).
    existing = AllocationScheme.objects.filter(
        protocol_version__registry_id=loaded.protocol.trial.registry_id,
        protocol_version__version=loaded.protocol.version,
        protocol_version__sha256=loaded.sha256,
    ).first()
    if existing is not None:
        return existing
    version = current_protocol_version()
    protocol = current_protocol()
    sites = sorted(Site.objects.filter(voided_at__isnull=True).values_list("code", flat=True))
    parameters = _parameters(protocol, sites)
    secret = _secret()
    with transaction.atomic():
        # Two first requests must not both set the scheme up: serialise on the
        # protocol version's row, then look again.
        ProtocolVersion.objects.select_for_update().get(pk=version.pk)
        existing = AllocationScheme.objects.filter(protocol_version=version).first()
        if existing is not None:
            return existing
        scheme = AllocationScheme.objects.create(
            protocol_version=version,
            method=parameters["method"],
            parameters=parameters,
            commitment="",
        )
        if scheme.method == "minimization":
            count = protocol.trial.target_enrolment * DRAWS_PER_PLANNED_PARTICIPANT
            MinimizationDraw.objects.bulk_create(
                MinimizationDraw(scheme=scheme, index=i, draw=d)
                for i, d in enumerate(minimization_draws(secret, count))
            )
        else:
            levels = [[(f["id"], lv) for lv in f["levels"]] for f in parameters["factors"]]
            n_blocks = protocol.trial.target_enrolment // min(parameters["block_sizes"]) + 1
            for combination in itertools.product(*levels):
                key = Stratum.of(dict(combination)).key
                BlockSlot.objects.bulk_create(
                    BlockSlot(
                        scheme=scheme,
                        stratum_key=key,
                        slot=s.slot,
                        block=s.block,
                        block_size=s.block_size,
                        arm=s.arm,
                    )
                    for s in generate_block_sequence(
                        secret,
                        key,
                        n_blocks,
                        parameters["block_sizes"],
                        parameters["arms"],
                        parameters["ratio"],
                    )
                )
        scheme.commitment = commitment(
            parameters, _sequences(scheme), nonce=commitment_nonce(secret)
        )
        scheme.save(update_fields=["commitment"])
        append_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            record_type="randomization.allocationscheme",
            record_id=str(scheme.pk),
            changes={"method": [None, scheme.method], "commitment": [None, scheme.commitment]},
        )
    return scheme


def verify_scheme(scheme: AllocationScheme) -> bool:
    """Whether the stored sequences and parameters still match the commitment."""
    return verify_commitment(
        scheme.parameters,
        _sequences(scheme),
        nonce=commitment_nonce(_secret()),
        expected=scheme.commitment,
    )


@dataclass(frozen=True)
class Readiness:
    ready: bool
    reasons: list[str]
    screening: Screening | None


def readiness(participant: Participant) -> Readiness:
    """Whether `participant` may be allocated now, and if not, why."""
    reasons: list[str] = []
    if participant.is_voided:
        reasons.append(_("The participant's record is voided."))
    if Allocation.objects.filter(participant=participant).exists():
        reasons.append(_("The participant is already allocated."))
    consented = is_consented(participant)
    signed = None
    for s in participant.screenings.filter(
        voided_at__isnull=True, outcome=Screening.Outcome.IN_PROGRESS
    ):
        signature = screening_services.valid_signature(s)
        fingerprint = screening_services.evidence_fingerprint(s, consented)
        if signature and signature.evidence_sha256 == fingerprint:
            signed = s
    if signed is None:
        reasons.append(_("Eligibility has not been signed by an investigator."))
    else:
        result, _derived = screening_services.evaluate(
            participant, screening_services.evidence_values(signed), consented
        )
        if not result.eligible:
            reasons.append(_("The eligibility criteria are no longer met."))
    if not consented:
        reasons.append(_("There is no valid informed consent."))
    return Readiness(not reasons, reasons, signed)


def factor_levels(
    participant: Participant, screening: Screening, parameters: Mapping[str, Any]
) -> dict[str, str]:
    """The participant's level of each allocation factor, from the signed evidence."""
    levels = {}
    for f in parameters["factors"]:
        if f["source"] == "site":
            levels[f["id"]] = participant.site.code
        elif f["source"] == "induction_response":
            levels[f["id"]] = screening.induction_response
        elif f["source"] == "metastatic_organ_count":
            sites = [
                staging.DistantMetastasis(staging.MetastasisSite(s))
                for s in screening.metastatic_sites
            ]
            levels[f["id"]] = "1" if staging.metastatic_organ_count(sites) <= 1 else "2+"
    return levels


def allocate(
    *,
    participant: Participant,
    actor: Any,
    cohort: str,
    idempotency_key: uuid.UUID,
    arm: str = "",
    reason: str = "",
) -> Allocation:
    """Allocate `participant` once; a repeat returns the allocation already made."""
    previous = Allocation.objects.filter(idempotency_key=idempotency_key).first()
    if previous is not None:
        if previous.participant_id != participant.pk:
            raise NotReady([_("This request was already used for another participant.")])
        return previous
    scheme = ensure_scheme(actor)
    try:
        try:
            return _allocate_in_transaction(
                scheme, participant, actor, cohort, idempotency_key, arm, reason
            )
        except _DayChanged:  # rolled back whole; the second try is on the new day
            return _allocate_in_transaction(
                scheme, participant, actor, cohort, idempotency_key, arm, reason
            )
    except IntegrityError:
        # A concurrent request for this participant committed first (the
        # scheme's lock made this one wait): the unique constraint on the
        # participant refused the second allocation and nothing of it is kept.
        existing = Allocation.objects.filter(participant=participant).first()
        if existing is None:
            raise
        return existing


@transaction.atomic
def _allocate_in_transaction(
    scheme: AllocationScheme,
    participant: Participant,
    actor: Any,
    cohort: str,
    idempotency_key: uuid.UUID,
    arm: str,
    reason: str,
) -> Allocation:
    # Readiness is read before the scheme's lock is taken, so allocations
    # queue only for what must be serialised: the draw or block slot, the
    # allocation's rows and the audit chain's append. Every allocation takes
    # its locks in that order (scheme, then the chain's head), so concurrent
    # requests queue and never deadlock.
    state = readiness(participant)
    if not state.ready:
        existing = Allocation.objects.filter(participant=participant).first()
        if existing is not None:
            return existing
        raise NotReady(state.reasons)
    protocol = current_protocol()
    levels = factor_levels(participant, state.screening, scheme.parameters)
    allocation = Allocation(
        participant=participant,
        scheme=scheme,
        protocol_version_id=scheme.protocol_version_id,
        cohort=cohort,
        allocated_by=actor,
        idempotency_key=idempotency_key,
        method=scheme.method,
        factor_levels=levels,
    )
    if cohort == Allocation.Cohort.PREFERENCE:
        if not protocol.settings.preference.enabled:
            raise NotReady([_("The preference cohort is closed by the protocol.")])
        if arm not in {a.id for a in protocol.arms}:
            raise NotReady([_("Choose the arm the participant prefers.")])
        if not reason.strip():
            raise NotReady([_("Give the participant's reason for choosing an arm.")])
        allocation.arm, allocation.preference_reason, allocation.method = (
            arm,
            reason.strip(),
            "preference",
        )
    elif cohort != Allocation.Cohort.RANDOMIZED:
        raise NotReady([_("Choose a cohort.")])
    # The visit schedule is anchored on day 0, the allocation day at the site,
    # and does not depend on the arm: it is stored before the scheme's lock.
    zone = ZoneInfo(participant.site.time_zone)
    day0 = timezone.now().astimezone(zone).date()
    with creating(actor) as stored:
        stored.add(plan_schedule(participant, day0))
        # The serialised part. No check for an allocation made meanwhile: the
        # unique constraint on the participant refuses it (see `allocate`).
        scheme = AllocationScheme.objects.select_for_update().get(pk=scheme.pk)
        allocation.allocated_at = timezone.now()
        if allocation.allocated_at.astimezone(zone).date() != day0:
            raise _DayChanged  # midnight at the site while queueing: start again
        if cohort == Allocation.Cohort.RANDOMIZED:
            _randomize(allocation, scheme, levels)
        stored.add([allocation])
    # The allocation and its schedule are audited in one append at the block's end.
    transaction.on_commit(lambda: notify_site(allocation))
    return allocation


class _DayChanged(Exception):
    """The site's date changed between laying out the schedule and the draw."""


_DRAWS: dict[tuple[int, str], tuple[int, ...]] = {}


def _committed_draws(scheme: AllocationScheme) -> tuple[int, ...]:
    """The scheme's minimization draws, read once per process: they never
    change after the commitment, which the cache key includes (so a scheme
    whose draws differed would also differ in its commitment). Reading them
    here saves the scheme's lock a database round trip per allocation."""
    key = (scheme.pk, scheme.commitment)
    if key not in _DRAWS:
        _DRAWS[key] = _stored_draws(scheme)
    return _DRAWS[key]


def _stored_draws(scheme: AllocationScheme) -> tuple[int, ...]:
    """The minimization draws as stored, in index order (verification reads
    these, never the cache)."""
    return tuple(scheme.draws.order_by("index").values_list("draw", flat=True))


def _randomize(allocation: Allocation, scheme: AllocationScheme, levels: dict[str, str]) -> None:
    randomized = Allocation.objects.filter(scheme=scheme, cohort=Allocation.Cohort.RANDOMIZED)
    if scheme.method == "minimization":
        groups = [
            (g["factor_levels"], g["arm"], g["n"])
            for g in randomized.values("factor_levels", "arm").annotate(n=Count("id")).order_by()
        ]
        index = sum(n for _levels, _arm, n in groups)
        draws = _committed_draws(scheme)
        if index >= len(draws):
            raise NotReady(
                [_("The allocation sequence is exhausted; tell the trial statistician.")]
            )
        settings_ = _settings(scheme.parameters)
        decision = minimize(levels, tally(groups, settings_), settings_, draws[index], index)
        allocation.draw_index, allocation.draw = index, draws[index]
        allocation.imbalance_scores = {
            k: str(v) for k, v in (decision.imbalance_scores or {}).items()
        }
    else:
        key = Stratum.of(levels).key
        used = randomized.filter(stratum_key=key).count()
        rows = list(scheme.slots.filter(stratum_key=key).order_by("slot"))
        if used >= len(rows):
            raise NotReady(
                [_("The allocation sequence is exhausted; tell the trial statistician.")]
            )
        from oncotrial.allocation.blocks import BlockSlot as CoreSlot

        sequence = [CoreSlot(r.slot, r.block, r.block_size, r.arm) for r in rows]
        decision = assign_block_slot(levels, sequence, used)
        allocation.slot = decision.slot
    allocation.arm = decision.arm
    allocation.stratum_key = decision.stratum_key
    allocation.decision = decision.to_record()


def notify_site(allocation: Allocation) -> None:
    """E-mail the site team the allocation (Django's e-mail backend)."""
    participant = allocation.participant
    members = Membership.objects.filter(
        site=participant.site,
        role__in=[Role.COORDINATOR, Role.INVESTIGATOR],
        active=True,
        voided_at__isnull=True,
        user__is_active=True,
    ).select_related("user")
    recipients = sorted({m.user.email for m in members if m.user.email})
    if not recipients:
        return
    arm = current_protocol().arm(allocation.arm).name.en
    send_mail(
        subject=f"[ESO-RT] {participant.screening_number} allocated",
        message=(
            f"{participant.screening_number} ({participant.site.code}) was allocated on "
            f"{allocation.allocated_at:%Y-%m-%d %H:%M} UTC.\n"
            f"Cohort: {allocation.cohort}\nArm: {arm}\n"
        ),
        from_email=None,
        recipient_list=recipients,
        fail_silently=True,
    )


CORRECTABLE = {"arm", "cohort"}
CORRECTION_REASON = gettext_lazy("A correction of an allocation needs a reason.")


def correct(
    allocation: Allocation, actor: Any, field: str, new_value: str, reason: str
) -> AllocationCorrection:
    """A correction recorded beside the allocation, which itself never changes."""
    if field not in CORRECTABLE:
        raise ValueError(f"only {sorted(CORRECTABLE)} can be corrected")
    if not reason.strip():
        raise ValueError(str(CORRECTION_REASON))
    correction = AllocationCorrection(
        allocation=allocation,
        field=field,
        old_value=current_value(allocation, field),
        new_value=new_value,
        reason=reason.strip(),
        corrected_at=timezone.now(),
        corrected_by=actor,
    )
    save_record(correction, actor=actor)
    return correction


def current_value(allocation: Allocation, field: str) -> str:
    """The value in force: the latest correction's, or the original."""
    latest = (
        allocation.corrections.filter(field=field, voided_at__isnull=True)
        .order_by("-corrected_at")
        .first()
    )
    return latest.new_value if latest else getattr(allocation, field)


def reveal(scheme: AllocationScheme, actor: Any) -> dict[str, Any]:
    """The full sequences, for the designated statistician; the viewing is audited."""
    append_event(
        actor=actor,
        action=AuditEvent.Action.VIEW_RESTRICTED,
        record_type="randomization.allocationscheme",
        record_id=str(scheme.pk),
        changes={"viewed": "allocation sequences"},
    )
    return _sequences(scheme)
