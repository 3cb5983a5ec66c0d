"""Screening actions: evaluate, save evidence, sign, close, re-screen, the log."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from oncotrial.audit.models import AuditEvent
from oncotrial.audit.services import append_event, save_record, snapshot, void_record
from oncotrial.consent.services import consent_date, is_consented
from oncotrial.participants.forms import site_today
from oncotrial.participants.models import Participant
from oncotrial.protocol.eligibility import EligibilityResult, evaluate_eligibility
from oncotrial.screening.evidence import Derived, build, fingerprint
from oncotrial.screening.models import EligibilitySignature, Screening
from oncotrial.trial.current import current_protocol

NOT_EVIDENCE = {
    "id",
    "participant_id",
    "number",
    "outcome",
    "outcome_reason",
    "failed_criteria",
    "closed_on",
    "voided_at",
    "void_reason",
}


class SignatureRefused(Exception):
    """A signature that cannot be given, with the reason shown to the signer."""


def evidence_values(screening: Screening) -> dict[str, Any]:
    return {
        field.name: getattr(screening, field.name)
        for field in Screening._meta.concrete_fields
        if field.attname not in NOT_EVIDENCE
    }


def evaluate(
    participant: Participant, values: dict[str, Any], consented: bool | None = None
) -> tuple[EligibilityResult, Derived]:
    """The engine's verdict on `values` for `participant` under the protocol in force
    (`consented`: the participant's consent state, when the caller has read it)."""
    evidence, derived = build(
        values,
        date_of_birth=participant.date_of_birth,
        sex=participant.sex,
        screening_date=participant.screening_date,
        consented=is_consented(participant) if consented is None else consented,
    )
    return evaluate_eligibility(current_protocol().criteria, evidence), derived


def evidence_fingerprint(screening: Screening, consented: bool | None = None) -> str:
    values = {k: v for k, v in snapshot(screening).items() if k not in NOT_EVIDENCE}
    if consented is None:
        consented = is_consented(screening.participant)
    return fingerprint({**values, "consented": consented})


def valid_signature(screening: Screening) -> EligibilitySignature | None:
    return screening.signatures.filter(voided_at__isnull=True).order_by("-signed_at").first()


def start_screening(participant: Participant, actor: Any) -> Screening:
    """A new screening episode; refused while another is open."""
    with transaction.atomic():
        Participant.objects.select_for_update().filter(pk=participant.pk).first()
        if participant.screenings.filter(
            outcome=Screening.Outcome.IN_PROGRESS, voided_at__isnull=True
        ).exists():
            raise ValueError("A screening of this participant is still open.")
        last = participant.screenings.aggregate(m=Max("number"))["m"] or 0
        screening = Screening(participant=participant, number=last + 1)
        save_record(screening, actor=actor)
    return screening


def save_evidence(screening: Screening, actor: Any, reason: str = "") -> AuditEvent | None:
    """Store the evidence; a change voids the signature that covered the old evidence."""
    with transaction.atomic():
        event = save_record(screening, actor=actor, reason=reason)
        if event is not None:
            for signature in screening.signatures.filter(voided_at__isnull=True):
                fields = ", ".join(sorted(event.changes))
                void_record(
                    signature,
                    actor=actor,
                    reason=f"The evidence changed after the signature ({fields}).",
                )
    return event


def sign(screening: Screening, signer: Any, password: str) -> EligibilitySignature:
    """An investigator's electronic signature: password re-entered, eligible only."""
    if not signer.check_password(password):
        append_event(
            actor=signer,
            action=AuditEvent.Action.SIGN,
            record_type="screening.screening",
            record_id=str(screening.pk),
            site_id=screening.participant.site_id,
            changes={"result": "refused: wrong password"},
        )
        raise SignatureRefused("wrong_password")
    # The signature covers the evidence as stored, not as held in memory.
    screening = Screening.objects.select_related("participant__site").get(pk=screening.pk)
    if not screening.is_open:
        raise SignatureRefused("closed")
    result, _ = evaluate(screening.participant, evidence_values(screening))
    if not result.eligible:
        raise SignatureRefused("not_eligible")
    with transaction.atomic():
        signature = EligibilitySignature(
            screening=screening,
            signed_by=signer,
            signer_name=signer.get_full_name() or signer.get_username(),
            signed_at=timezone.now(),
            meaning=str(EligibilitySignature.MEANING),
            evidence_sha256=evidence_fingerprint(screening),
        )
        save_record(signature, actor=signer)
    return signature


def close(screening: Screening, actor: Any, outcome: str, reason: str) -> None:
    """Close a screening as a failure, a refusal or for another reason."""
    if outcome not in {
        Screening.Outcome.SCREEN_FAILURE,
        Screening.Outcome.DECLINED,
        Screening.Outcome.OTHER,
    }:
        raise ValueError(f"unknown outcome {outcome!r}")
    result, _ = evaluate(screening.participant, evidence_values(screening))
    failed = [r.criterion_id for r in result.barring]
    if outcome == Screening.Outcome.SCREEN_FAILURE and not failed:
        raise ValueError("no_failed_criterion")
    with transaction.atomic():
        screening.outcome = outcome
        screening.outcome_reason = reason
        screening.failed_criteria = failed if outcome == Screening.Outcome.SCREEN_FAILURE else []
        screening.closed_on = site_today(screening.participant.site.time_zone)
        save_record(screening, actor=actor, reason=reason or outcome)
        for signature in screening.signatures.filter(voided_at__isnull=True):
            void_record(signature, actor=actor, reason="The screening was closed.")


def earliest_study_procedure(participant: Participant) -> dt.date | None:
    """The earliest study-specific procedure date recorded for `participant`."""
    dates = [
        d
        for s in participant.screenings.filter(voided_at__isnull=True)
        for d in (s.assessment_date, s.lab_date)
        if d is not None
    ]
    return min(dates) if dates else None


def participant_consent_date(participant: Participant) -> dt.date | None:
    return consent_date(participant, participant.site.time_zone)


@dataclass(frozen=True)
class ScreeningLog:
    site_code: str
    registered: int
    screenings: int
    open: int
    signed: int
    failures: int
    declined: int
    other: int
    failed_criteria: list[tuple[str, int]]
    other_reasons: list[tuple[str, int]]


def screening_log(participants: QuerySet[Participant]) -> list[ScreeningLog]:
    """Counts and reasons per site: the first boxes of the CONSORT diagram."""
    rows = []
    by_site: dict[str, list[Participant]] = {}
    for p in participants.filter(voided_at__isnull=True).select_related("site"):
        by_site.setdefault(p.site.code, []).append(p)
    for code, people in sorted(by_site.items()):
        screenings = list(
            Screening.objects.filter(
                participant__in=people, voided_at__isnull=True
            ).prefetch_related("signatures")
        )
        criteria: Counter[str] = Counter()
        reasons: Counter[str] = Counter()
        for s in screenings:
            if s.outcome == Screening.Outcome.SCREEN_FAILURE:
                criteria.update(s.failed_criteria)
            elif s.outcome in (Screening.Outcome.DECLINED, Screening.Outcome.OTHER):
                reasons[s.outcome_reason or s.get_outcome_display()] += 1
        outcomes = Counter(s.outcome for s in screenings)
        signed = sum(
            1
            for s in screenings
            if s.is_open and any(g.voided_at is None for g in s.signatures.all())
        )
        rows.append(
            ScreeningLog(
                site_code=code,
                registered=len(people),
                screenings=len(screenings),
                open=outcomes[Screening.Outcome.IN_PROGRESS],
                signed=signed,
                failures=outcomes[Screening.Outcome.SCREEN_FAILURE],
                declined=outcomes[Screening.Outcome.DECLINED],
                other=outcomes[Screening.Outcome.OTHER],
                failed_criteria=sorted(criteria.items()),
                other_reasons=sorted(reasons.items()),
            )
        )
    return rows
