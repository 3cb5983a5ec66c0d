"""The eligibility rule library: screening evidence -> per-criterion and overall results.

This package owns the rules a protocol file names for its criteria (`RULES`), their
parameter models (pydantic, unknown keys rejected so a typo in a protocol file is
an error), the screening evidence they read, and the combination into an
eligibility result. Sources: clinical-rules.md §1.3 (registered criteria), §5
(G8, ECOG), §6 (AJCC 8), §7.4 (Cockcroft-Gault) and §9 (open questions, each a
parameter here).

Every rule answers one question with three values: the condition holds (MET),
does not hold (NOT_MET), or cannot be decided yet (INSUFFICIENT, with the evidence
fields still needed). For an inclusion criterion the condition is the requirement;
for an exclusion criterion it is the excluding condition. Nothing not recorded is
guessed: a rule decides without a field only when the answer cannot change
whatever that field turns out to be.

Written by hand: these are the protocol's own rules.

Modules, one job each:

* `results`: criterion and eligibility statuses and results;
* `evidence`: the evidence vocabularies and `ScreeningEvidence` with its checks;
* `dates`: age in completed years and calendar months;
* `findings`: three-valued findings, their combination and formatting;
* `inclusion_patient`: I1, I3, I4, I6, I7; `inclusion_disease`: I2, I5, I8;
* `exclusion`: E1-E6;
* this module: the rule library (`RULES`), `validate_params`,
  `evaluate_criterion` and `evaluate_eligibility`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError

from oncotrial.protocol.eligibility.dates import add_months, age_in_years
from oncotrial.protocol.eligibility.evidence import (
    DiseaseSetting,
    Histology,
    InductionResponse,
    MalignancyHistory,
    Number,
    PriorTreatment,
    ScreeningEvidence,
    SeriousEvent,
    SeriousEventKind,
    TrialParticipation,
)
from oncotrial.protocol.eligibility.exclusion import (
    OtherMalignancyParams,
    OtherTrialParams,
    PriorTreatmentParams,
    RecentSeriousEventParams,
    _allergy_or_autoimmune,
    _other_malignancy,
    _other_trial_participation,
    _prior_antitumour_treatment,
    _radiotherapy_unsafe,
    _recent_serious_event,
)
from oncotrial.protocol.eligibility.findings import NoParams
from oncotrial.protocol.eligibility.inclusion_disease import (
    InductionResponseParams,
    PriorRadiotherapyParams,
    StageParams,
    _escc_stage_ivb_or_recurrence,
    _induction_response,
    _prior_radiotherapy_field,
)
from oncotrial.protocol.eligibility.inclusion_patient import (
    ExpectedSurvivalParams,
    LaboratoryParams,
    MinAgeParams,
    PerformanceGeriatricParams,
    _expected_survival,
    _informed_consent,
    _laboratory_thresholds,
    _min_age,
    _performance_and_geriatric_status,
)
from oncotrial.protocol.eligibility.results import (
    CriterionKind,
    CriterionResult,
    CriterionStatus,
    EligibilityResult,
    EligibilityStatus,
    RuleOutcome,
)

__all__ = [
    "RULES",
    "CriterionDefinition",
    "CriterionKind",
    "CriterionResult",
    "CriterionStatus",
    "DiseaseSetting",
    "EligibilityResult",
    "EligibilityStatus",
    "ExpectedSurvivalParams",
    "Histology",
    "InductionResponse",
    "InductionResponseParams",
    "LaboratoryParams",
    "MalignancyHistory",
    "MinAgeParams",
    "NoParams",
    "Number",
    "OtherMalignancyParams",
    "OtherTrialParams",
    "PerformanceGeriatricParams",
    "PriorRadiotherapyParams",
    "PriorTreatment",
    "PriorTreatmentParams",
    "RecentSeriousEventParams",
    "RuleOutcome",
    "RuleSpec",
    "ScreeningEvidence",
    "SeriousEvent",
    "SeriousEventKind",
    "StageParams",
    "TrialParticipation",
    "add_months",
    "age_in_years",
    "evaluate_criterion",
    "evaluate_eligibility",
    "validate_params",
]

# ---------------------------------------------------------------- the library


@dataclass(frozen=True)
class RuleSpec:
    """A rule a protocol can name: its parameter model and its evaluation."""

    name: str
    params: type[BaseModel]
    evaluate: Callable[[Any, ScreeningEvidence], RuleOutcome]
    doc: str
    source: str


def _spec(
    name: str,
    params: type[BaseModel],
    evaluate: Callable[[Any, ScreeningEvidence], RuleOutcome],
    source: str,
) -> RuleSpec:
    return RuleSpec(name, params, evaluate, " ".join((evaluate.__doc__ or "").split()), source)


_R = "clinical-rules.md §1.3"
RULES: Mapping[str, RuleSpec] = MappingProxyType(
    {
        spec.name: spec
        for spec in (
            _spec("min_age", MinAgeParams, _min_age, _R),
            _spec(
                "escc_stage_ivb_or_recurrence",
                StageParams,
                _escc_stage_ivb_or_recurrence,
                f"{_R}, §6.2",
            ),
            _spec(
                "performance_and_geriatric_status",
                PerformanceGeriatricParams,
                _performance_and_geriatric_status,
                f"{_R}, §5.1, §5.2, §9.8",
            ),
            _spec(
                "laboratory_thresholds",
                LaboratoryParams,
                _laboratory_thresholds,
                f"{_R}, §7.4, §9.8",
            ),
            _spec(
                "prior_radiotherapy_field",
                PriorRadiotherapyParams,
                _prior_radiotherapy_field,
                f"{_R}, §9.4",
            ),
            _spec("expected_survival", ExpectedSurvivalParams, _expected_survival, _R),
            _spec("informed_consent", NoParams, _informed_consent, _R),
            _spec(
                "induction_response", InductionResponseParams, _induction_response, f"{_R}, §9.3"
            ),
            _spec("other_malignancy", OtherMalignancyParams, _other_malignancy, _R),
            _spec(
                "prior_antitumour_treatment",
                PriorTreatmentParams,
                _prior_antitumour_treatment,
                _R,
            ),
            _spec("recent_serious_event", RecentSeriousEventParams, _recent_serious_event, _R),
            _spec("allergy_or_autoimmune", NoParams, _allergy_or_autoimmune, _R),
            _spec("other_trial_participation", OtherTrialParams, _other_trial_participation, _R),
            _spec("radiotherapy_unsafe", NoParams, _radiotherapy_unsafe, _R),
        )
    }
)


class CriterionDefinition(Protocol):
    """What evaluation needs of a protocol's criterion (a mapping with these keys works too)."""

    id: str
    kind: str
    rule: str
    params: Mapping[str, Any]


def validate_params(
    rule_name: str, params: Mapping[str, Any] | BaseModel, *, criterion_id: str = ""
) -> BaseModel:
    """The rule's parameter model for `params`; a ValueError naming criterion and rule if not."""
    where = f"criterion {criterion_id}: " if criterion_id else ""
    spec = RULES.get(rule_name)
    if spec is None:
        known = ", ".join(sorted(RULES))
        raise ValueError(f"{where}unknown eligibility rule {rule_name!r}; known rules: {known}")
    if isinstance(params, spec.params):
        return params
    if isinstance(params, BaseModel):
        raise ValueError(f"{where}rule {rule_name!r} takes {spec.params.__name__}")
    try:
        return spec.params.model_validate(dict(params))
    except ValidationError as error:
        raise ValueError(f"{where}invalid params for rule {rule_name!r}: {error}") from error


def evaluate_criterion(
    criterion_id: str,
    kind: str,
    rule_name: str,
    params: Mapping[str, Any] | BaseModel,
    evidence: ScreeningEvidence,
) -> CriterionResult:
    """Judge one criterion; every reason names the criterion (its `criterion` placeholder)."""
    if kind not in ("inclusion", "exclusion"):
        raise ValueError(
            f"criterion {criterion_id}: kind must be 'inclusion' or 'exclusion', got {kind!r}"
        )
    model = validate_params(rule_name, params, criterion_id=criterion_id)
    status, reasons, missing = RULES[rule_name].evaluate(model, evidence)
    cited = tuple(
        replace(reason, params={**reason.params, "criterion": criterion_id}) for reason in reasons
    )
    return CriterionResult(criterion_id, kind, status, cited, tuple(missing))


def _part(criterion: CriterionDefinition | Mapping[str, Any], name: str) -> Any:
    return criterion[name] if isinstance(criterion, Mapping) else getattr(criterion, name)


def evaluate_eligibility(
    criteria: Iterable[CriterionDefinition | Mapping[str, Any]], evidence: ScreeningEvidence
) -> EligibilityResult:
    """Judge every criterion. Not eligible as soon as one inclusion is not met or one
    exclusion is met (a known bar outweighs missing evidence); otherwise incomplete
    while any criterion is undecided; otherwise eligible."""
    results: list[CriterionResult] = []
    for criterion in criteria:
        criterion_id = _part(criterion, "id")
        if any(result.criterion_id == criterion_id for result in results):
            raise ValueError(f"criterion {criterion_id} appears more than once")
        results.append(
            evaluate_criterion(
                criterion_id,
                _part(criterion, "kind"),
                _part(criterion, "rule"),
                _part(criterion, "params"),
                evidence,
            )
        )
    verdicts = [result.satisfied for result in results]
    if False in verdicts:
        status = EligibilityStatus.NOT_ELIGIBLE
    elif None in verdicts:
        status = EligibilityStatus.INCOMPLETE
    else:
        status = EligibilityStatus.ELIGIBLE
    return EligibilityResult(status, tuple(results))
