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
    """An assessment not yet stored: date, target readings, non-target, new lesions.

    `no_disease` is the baseline reader's declaration that the scan shows no
    disease (a participant enrolled in complete response): only then may a
    baseline list no target or non-target lesion.
    """

    assessed_on: Any
    readings: dict[str, Any] = field(
        default_factory=dict
    )  # code -> number, "too_small", "disappeared"
    non_target: str | None = None
    new_lesions: str | None = "none"
    no_disease: bool = False


NEW_NON_TARGET_STATES = ("present", "increased", "unequivocal_pd", "absent")


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


def _present(value: Any) -> bool:
    """Whether a new lesion's reading shows it (iRECIST: above 0 mm, or not absent)."""
    if value is None or value in ("absent", "disappeared"):
        return False
    return not (isinstance(value, int | float) and value == 0)


def case_for(
    participant: Participant,
    lesions: Sequence[Lesion],
    assessments: Sequence[Draft],
    criteria: str = "RECIST1.1",
) -> dict[str, Any]:
    """The engine's case for these lesions and assessments (oldest first).

    New lesions declared at follow-up are listed for iRECIST, which follows
    each by its id; RECIST 1.1 validates them but judges the reader's
    new-lesion answer. A declared new lesion that is present makes that answer
    "unequivocal". The baseline's `no_disease` declaration becomes the case's
    "no_evidence_of_disease".
    """
    roles = {lesion.code: lesion.role for lesion in lesions}
    has_non_target = "non_target" in roles.values()
    case_assessments = []
    for i, a in enumerate(assessments):
        non_target = a.non_target or None
        if i == 0 and has_non_target and non_target is None:
            non_target = "non_CR_non_PD"  # present at baseline by definition
        targets = {
            c: v for c, v in a.readings.items() if v is not None and roles.get(c) == "target"
        }
        new_targets = {
            c: v for c, v in a.readings.items() if v is not None and roles.get(c) == "new_target"
        }
        new_others = {
            c: v
            for c, v in a.readings.items()
            if v is not None and roles.get(c) == "new_non_target"
        }
        seen = any(_present(v) for v in [*new_targets.values(), *new_others.values()])
        new_lesions = "none" if i == 0 else ("unequivocal" if seen else (a.new_lesions or None))
        case_assessments.append(
            {
                "date": a.assessed_on.isoformat(),
                "target": targets,
                "non_target": non_target if has_non_target else None,
                "new_lesions": new_lesions,
                "new_lesion_targets": new_targets,
                "new_lesion_non_target": new_others or None,
            }
        )
    no_disease = bool(assessments) and assessments[0].no_disease
    return {
        "criteria": criteria,
        **_settings(participant),
        **({"no_evidence_of_disease": True} if no_disease else {}),
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
    if drafts and not any(lesion.role in ("target", "non_target") for lesion in lesions):
        # A stored baseline without disease was accepted only as declared free of it.
        drafts[0].no_disease = True
    return lesions, drafts, rows


def evaluate(
    participant: Participant,
    extra: Draft | None = None,
    criteria: str = "RECIST1.1",
    new: Sequence[Lesion] = (),
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


def record_follow_up(
    participant: Participant, actor: Any, draft: Draft, new: Sequence[Lesion] = ()
) -> TumourAssessment:
    """Check the assessment with the engine, store it (with the new lesions it
    declares), and store every computed response."""
    known, drafts, _ = stored(participant)
    # Raises CaseError before anything is written.
    evaluate_case(case_for(participant, [*known, *new], [*drafts, draft]))
    lesions = {lesion.code: lesion for lesion in known}
    with transaction.atomic():
        for lesion in new:
            lesion.participant, lesion.first_seen = participant, draft.assessed_on
            save_record(lesion, actor=actor)
            lesions[lesion.code] = lesion
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


def evaluate_irecist(participant: Participant) -> dict[str, Any] | None:
    """The iRECIST result, or None when the data do not allow it (a new lesion
    answered "unequivocal" but not declared by its id)."""
    try:
        return evaluate(participant, criteria="iRECIST")
    except CaseError:
        return None


def _store_computed(participant: Participant, actor: Any) -> None:
    """Store each assessment's computed time points, RECIST 1.1 and iRECIST
    (recomputed when the history changes)."""
    lesions, drafts, rows = stored(participant)  # read once for both criteria
    result = evaluate_case(case_for(participant, lesions, drafts))
    try:
        irecist = evaluate_case(case_for(participant, lesions, drafts, "iRECIST"))
    except CaseError:
        irecist = None  # as evaluate_irecist: the data do not allow iRECIST
    i_points = irecist["timepoints"] if irecist else [{} for _ in rows]
    for row, timepoint, i_point in zip(rows, result["timepoints"], i_points, strict=True):
        if (row.computed, row.computed_irecist) != (timepoint, i_point):
            row.computed, row.computed_irecist = timepoint, i_point
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
