"""From stored lesions and measurements to the engine's case, and back.

The application speaks to the RECIST engine only through its JSON case
interface (`oncotrial.clinical.response_case`), the same one
`oncotrial recist evaluate` reads: what a page shows is what the command
computes for the same data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from oncotrial.audit.services import save_record
from oncotrial.clinical.response_case import evaluate_case
from oncotrial.clinical.response_case_parse import CaseError
from oncotrial.participants.models import Participant
from oncotrial.response.models import Lesion, Measurement, TumourAssessment
from oncotrial.trial.current import current_protocol


@dataclass
class Draft:
    """An assessment not yet stored: date, target readings, non-target, new lesions."""

    assessed_on: Any
    readings: dict[str, Any] = field(
        default_factory=dict
    )  # code -> number, "too_small", "disappeared"
    non_target: str | None = None
    new_lesions: str | None = "none"


def _reading(m: Measurement) -> Any:
    if m.state != "measured":
        return m.state
    value = m.value_mm
    return int(value) if value == int(value) else float(value)


def _settings(participant: Participant) -> dict[str, Any]:
    recist = current_protocol().settings.recist
    allocation = getattr(participant, "allocation", None)
    randomized = allocation is None or allocation.cohort == "randomized"
    return {
        "randomized": randomized,
        "confirmation_min_days": recist.confirmation_min_days,
        "sd_min_days": recist.sd_min_days,
    }


def case_for(
    participant: Participant,
    lesions: Sequence[Lesion],
    assessments: Sequence[Draft],
    criteria: str = "RECIST1.1",
) -> dict[str, Any]:
    """The engine's case for these lesions and assessments (oldest first)."""
    has_non_target = any(lesion.role == "non_target" for lesion in lesions)
    case_assessments = []
    for i, a in enumerate(assessments):
        non_target = a.non_target or None
        if i == 0 and has_non_target and non_target is None:
            non_target = "non_CR_non_PD"  # present at baseline by definition
        case_assessments.append(
            {
                "date": a.assessed_on.isoformat(),
                "target": {code: value for code, value in a.readings.items() if value is not None},
                "non_target": non_target if has_non_target else None,
                "new_lesions": "none" if i == 0 else (a.new_lesions or None),
            }
        )
    return {
        "criteria": criteria,
        **_settings(participant),
        "lesions": [
            {
                "id": lesion.code,
                "role": lesion.role,
                "organ": lesion.organ,
                "nodal": lesion.nodal,
                "previously_irradiated": lesion.previously_irradiated,
                "progressed_after_irradiation": lesion.progressed_after_irradiation,
            }
            for lesion in lesions
        ],
        "assessments": case_assessments,
    }


def stored(participant: Participant) -> tuple[list[Lesion], list[Draft], list[TumourAssessment]]:
    lesions = list(participant.lesions.filter(voided_at__isnull=True).order_by("code"))
    rows = list(
        participant.tumour_assessments.filter(voided_at__isnull=True)
        .prefetch_related("measurements__lesion")
        .order_by("assessed_on")
    )
    drafts = [
        Draft(
            a.assessed_on,
            {m.lesion.code: _reading(m) for m in a.measurements.all() if m.voided_at is None},
            a.non_target or None,
            a.new_lesions,
        )
        for a in rows
    ]
    return lesions, drafts, rows


def evaluate(
    participant: Participant, extra: Draft | None = None, criteria: str = "RECIST1.1"
) -> dict[str, Any]:
    """The engine's result for the stored assessments (plus an unsaved one)."""
    lesions, drafts, _ = stored(participant)
    return evaluate_case(
        case_for(participant, lesions, [*drafts, *([extra] if extra else [])], criteria)
    )


def record_baseline(
    participant: Participant, actor: Any, lesions: Sequence[Lesion], baseline: Draft
) -> TumourAssessment:
    """Check the selection with the engine, then store lesions and the baseline."""
    evaluate_case(case_for(participant, lesions, [baseline]))  # raises CaseError
    with transaction.atomic():
        assessment = TumourAssessment(participant=participant, assessed_on=baseline.assessed_on)
        save_record(assessment, actor=actor)
        for lesion in lesions:
            lesion.participant = participant
            save_record(lesion, actor=actor)
            value = baseline.readings.get(lesion.code)
            if lesion.role == "target" and value is not None:
                save_record(_measurement(assessment, lesion, value), actor=actor)
        _store_computed(participant, actor)
    return assessment


def _measurement(assessment: TumourAssessment, lesion: Lesion, value: Any) -> Measurement:
    if isinstance(value, str):
        return Measurement(assessment=assessment, lesion=lesion, state=value)
    return Measurement(assessment=assessment, lesion=lesion, state="measured", value_mm=value)


def record_follow_up(participant: Participant, actor: Any, draft: Draft) -> TumourAssessment:
    """Check the assessment with the engine, store it, and store every computed response."""
    evaluate(participant, draft)  # raises CaseError before anything is written
    lesions = {lesion.code: lesion for lesion in stored(participant)[0]}
    with transaction.atomic():
        assessment = TumourAssessment(
            participant=participant,
            assessed_on=draft.assessed_on,
            non_target=draft.non_target or "",
            new_lesions=draft.new_lesions or "none",
        )
        save_record(assessment, actor=actor)
        for code, value in draft.readings.items():
            if value is not None:
                save_record(_measurement(assessment, lesions[code], value), actor=actor)
        _store_computed(participant, actor)
    return assessment


def _store_computed(participant: Participant, actor: Any) -> None:
    """Store each assessment's computed time point (recomputed when history changes)."""
    result = evaluate(participant)
    _, _, rows = stored(participant)
    for row, timepoint in zip(rows, result["timepoints"], strict=True):
        if row.computed != timepoint:
            row.computed = timepoint
            save_record(row, actor=actor, reason="Recomputed by the RECIST engine")


def record_investigator_assessment(
    assessment: TumourAssessment, actor: Any, overall: str, reason: str
) -> None:
    """An investigator's differing overall response; the computed one is kept beside it."""
    if not reason.strip():
        raise ValueError("reason")
    assessment.investigator_overall = overall
    assessment.investigator_reason = reason.strip()
    save_record(assessment, actor=actor, reason=reason.strip())


__all__ = ["CaseError", "Draft", "evaluate", "record_baseline", "record_follow_up"]
