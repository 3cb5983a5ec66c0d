"""The eligibility rule library: screening evidence -> per-criterion and overall results.

This module owns the rules a protocol file names for its criteria (`RULES`), their
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
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from functools import partial
from types import MappingProxyType
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from oncotrial.clinical import g8, laboratory
from oncotrial.clinical.dosing import Sex, cockcroft_gault
from oncotrial.clinical.laboratory import Analyte, LabValue
from oncotrial.clinical.performance import ecog as check_ecog
from oncotrial.clinical.staging import (
    MCategory,
    NCategory,
    StageGroup,
    TCategory,
    clinical_stage_group,
)
from oncotrial.text import Message, gettext_noop

Number = int | float | Decimal | Fraction

# ---------------------------------------------------------------- results


class CriterionStatus(StrEnum):
    """Whether a criterion's condition holds, for an inclusion or an exclusion alike."""

    MET = "met"
    NOT_MET = "not_met"
    INSUFFICIENT = "insufficient"


class EligibilityStatus(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    INCOMPLETE = "incomplete"


CriterionKind = Literal["inclusion", "exclusion"]
RuleOutcome = tuple[CriterionStatus, tuple[Message, ...], tuple[str, ...]]


@dataclass(frozen=True)
class CriterionResult:
    """One criterion judged: its status, why (reasons) and what is still needed (missing)."""

    criterion_id: str
    kind: str  # "inclusion" or "exclusion"
    status: CriterionStatus
    reasons: tuple[Message, ...]
    missing: tuple[str, ...]  # evidence field names still needed

    @property
    def satisfied(self) -> bool | None:
        """True when the criterion allows entry, False when it bars it, None when undecided."""
        if self.status is CriterionStatus.INSUFFICIENT:
            return None
        return (self.status is CriterionStatus.MET) == (self.kind == "inclusion")


@dataclass(frozen=True)
class EligibilityResult:
    """All criteria judged: eligible only if every inclusion is met and no exclusion is."""

    status: EligibilityStatus
    results: tuple[CriterionResult, ...]

    @property
    def eligible(self) -> bool:
        return self.status is EligibilityStatus.ELIGIBLE

    @property
    def barring(self) -> tuple[CriterionResult, ...]:
        """Inclusions not met and exclusions met."""
        return tuple(result for result in self.results if result.satisfied is False)

    @property
    def undecided(self) -> tuple[CriterionResult, ...]:
        return tuple(result for result in self.results if result.satisfied is None)

    @property
    def missing(self) -> tuple[str, ...]:
        """Evidence fields still needed by any undecided criterion, in criterion order."""
        return tuple(dict.fromkeys(name for result in self.undecided for name in result.missing))


# ---------------------------------------------------------------- evidence vocabularies


class Histology(StrEnum):
    """Histologically or cytologically confirmed diagnosis of the oesophageal cancer."""

    SQUAMOUS_CELL_CARCINOMA = "squamous_cell_carcinoma"
    ADENOCARCINOMA = "adenocarcinoma"
    OTHER = "other"
    NOT_CONFIRMED = "not_confirmed"  # no histological or cytological confirmation


class DiseaseSetting(StrEnum):
    """How the patient comes to metastatic disease (clinical-rules.md §1.3, I2)."""

    INITIAL_DIAGNOSIS = "initial_diagnosis"  # staged at first diagnosis
    RECURRENCE_AFTER_RADICAL_TREATMENT = "recurrence_after_radical_treatment"
    OTHER = "other"


class InductionResponse(StrEnum):
    """RECIST 1.1 response to induction, against the scan the protocol settings name."""

    CR = "CR"
    PR = "PR"
    SD = "SD"
    PD = "PD"
    NE = "NE"


class MalignancyHistory(StrEnum):
    """Another cancer in the patient's history (E1)."""

    HYPOPHARYNGEAL_CARCINOMA_IN_SITU = "hypopharyngeal_carcinoma_in_situ"
    NON_MELANOMA_SKIN_CANCER = "non_melanoma_skin_cancer"
    CERVICAL_CARCINOMA_IN_SITU = "cervical_carcinoma_in_situ"
    OTHER = "other"  # any other malignancy


class PriorTreatment(StrEnum):
    """Treatment received before enrolment (E2)."""

    OSTOMY = "ostomy"  # e.g. feeding gastrostomy or jejunostomy
    INDUCTION_CHEMOIMMUNOTHERAPY = "induction_chemoimmunotherapy"  # the 2-4 cycles of I8
    # radical surgery or radiotherapy of earlier disease, the route of I2 for a recurrence
    RADICAL_TREATMENT_BEFORE_RECURRENCE = "radical_treatment_before_recurrence"
    SURGERY = "surgery"
    CHEMOTHERAPY = "chemotherapy"
    RADIOTHERAPY = "radiotherapy"
    OTHER_ANTITUMOUR = "other_antitumour"


class SeriousEventKind(StrEnum):
    """Events that exclude when recent (E3)."""

    MYOCARDIAL_INFARCTION = "myocardial_infarction"
    CEREBROVASCULAR_ACCIDENT = "cerebrovascular_accident"
    GASTROINTESTINAL_SURGERY = "gastrointestinal_surgery"
    NEUROLOGICAL_SURGERY = "neurological_surgery"
    CARDIOPULMONARY_SURGERY = "cardiopulmonary_surgery"


def _plain_date(value: object, name: str) -> None:
    # A datetime is a date subclass but cannot be compared with a date.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValueError(f"{name} must be a date, got {value!r}")


@dataclass(frozen=True)
class SeriousEvent:
    """One myocardial infarction, stroke or major surgery, with its date."""

    kind: SeriousEventKind
    event_date: date

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", _enum(SeriousEventKind, self.kind, "serious_events.kind"))
        _plain_date(self.event_date, "serious_events.event_date")


@dataclass(frozen=True)
class TrialParticipation:
    """Taking part in another clinical trial: ongoing, or ended on `end_date`."""

    ongoing: bool
    end_date: date | None = None
    identifier: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.ongoing, bool):
            raise ValueError(f"other_trials.ongoing must be True or False, got {self.ongoing!r}")
        if self.end_date is not None:
            _plain_date(self.end_date, "other_trials.end_date")
        elif not self.ongoing:
            raise ValueError("other_trials.end_date is needed for a trial that has ended")


def _enum(kind: type[StrEnum], value: object, name: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise ValueError(f"{name}: unknown value {value!r}; expected one of {allowed}") from None


@dataclass(frozen=True, kw_only=True)
class ScreeningEvidence:
    """Everything eligibility reads. Every field is optional: None means not recorded yet.

    An empty tuple in a list field means "none" (recorded as absent), which is not
    the same as None. Laboratory values carry their unit; a site's upper limits of
    normal are evidence too, since they differ between laboratories.
    """

    # dates and demographics
    date_of_birth: date | None = None
    screening_date: date | None = None  # age is taken on this date
    # the date the look-back windows (E3, E5) end on: the planned enrolment or
    # randomization date; the check is repeated on the day of randomization
    reference_date: date | None = None
    sex: Sex | None = None
    weight_kg: Number | None = None
    # diagnosis and stage (I2)
    histology: Histology | None = None
    disease_setting: DiseaseSetting | None = None
    initial_t: TCategory | None = None  # clinical TNM at first diagnosis
    initial_n: NCategory | None = None
    initial_m: MCategory | None = None
    # previous radiotherapy (I2, I5)
    prior_radical_radiotherapy: bool | None = None  # definitive or preoperative radiotherapy
    prior_thoracic_radiotherapy: bool | None = None  # any radiotherapy to the chest
    # whether recurrent disease lies within any previous radiation field
    recurrence_in_prior_rt_field: bool | None = None
    # performance and geriatric status (I3)
    ecog: int | None = None
    g8_score: Number | None = None  # total 0-17, see oncotrial.clinical.g8
    cga_favourable: bool | None = None  # comprehensive geriatric assessment documented good
    # laboratory (I4)
    anc: LabValue | None = None
    haemoglobin: LabValue | None = None
    platelets: LabValue | None = None
    total_bilirubin: LabValue | None = None
    alt: LabValue | None = None
    ast: LabValue | None = None
    creatinine: LabValue | None = None
    bilirubin_uln: LabValue | None = None
    alt_uln: LabValue | None = None
    ast_uln: LabValue | None = None
    creatinine_uln: LabValue | None = None
    # I6, I7
    expected_survival_weeks: Number | None = None  # the investigator's estimate
    informed_consent: bool | None = None
    # induction (I8): first-line chemotherapy plus a PD-1 inhibitor
    induction_chemoimmunotherapy: bool | None = None
    induction_cycles: int | None = None
    induction_response: InductionResponse | None = None
    # exclusions
    other_malignancies: tuple[MalignancyHistory, ...] | None = None  # E1
    prior_treatments: tuple[PriorTreatment, ...] | None = None  # E2
    active_infection: bool | None = None  # E3
    serious_events: tuple[SeriousEvent, ...] | None = None  # E3
    chemotherapy_drug_allergy: bool | None = None  # E4
    autoimmune_disease: bool | None = None  # E4
    other_trials: tuple[TrialParticipation, ...] | None = None  # E5
    radiotherapy_unsafe: bool | None = None  # E6, the radiation oncologist's judgement

    def __post_init__(self) -> None:
        for name in _DATE_FIELDS:
            if (value := getattr(self, name)) is not None:
                _plain_date(value, name)
        if (
            self.date_of_birth is not None
            and self.screening_date is not None
            and self.date_of_birth > self.screening_date
        ):
            raise ValueError("date_of_birth must not be after screening_date")
        for name in _BOOL_FIELDS:
            value = getattr(self, name)
            if value is not None and not isinstance(value, bool):
                raise ValueError(f"{name} must be True, False or None, got {value!r}")
        for name, kind in _ENUM_FIELDS.items():
            if (value := getattr(self, name)) is not None:
                object.__setattr__(self, name, _enum(kind, value, name))
        for name, check_item in _LIST_FIELDS.items():
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, str) or not isinstance(value, tuple | list):
                raise ValueError(f"{name} must be a list (empty for none), got {value!r}")
            object.__setattr__(self, name, tuple(check_item(item, name) for item in value))
        for name, analyte in _LAB_FIELDS.items():
            if (value := getattr(self, name)) is not None:
                laboratory.check(value, analyte, field=name)
        for name in ("creatinine", *_ULN_FIELDS):
            value = getattr(self, name)
            if value is not None and laboratory.as_fraction(value.value, name) == 0:
                raise ValueError(f"{name} must be above 0")
        if self.weight_kg is not None and laboratory.as_fraction(self.weight_kg, "weight_kg") <= 0:
            raise ValueError(f"weight_kg must be above 0, got {self.weight_kg!r}")
        if self.ecog is not None:
            check_ecog(self.ecog)
        if self.g8_score is not None:
            g8.check_score(self.g8_score, "g8_score")
        if (
            self.expected_survival_weeks is not None
            and laboratory.as_fraction(self.expected_survival_weeks, "expected_survival_weeks") < 0
        ):
            raise ValueError("expected_survival_weeks must not be negative")
        cycles = self.induction_cycles
        if cycles is not None and (
            isinstance(cycles, bool) or not isinstance(cycles, int) or cycles < 0
        ):
            raise ValueError(f"induction_cycles must be a whole number 0 or more, got {cycles!r}")


def _serious_event(item: object, name: str) -> SeriousEvent:
    if not isinstance(item, SeriousEvent):
        raise ValueError(f"{name} must hold SeriousEvent items, got {item!r}")
    return item


def _participation(item: object, name: str) -> TrialParticipation:
    if not isinstance(item, TrialParticipation):
        raise ValueError(f"{name} must hold TrialParticipation items, got {item!r}")
    return item


_DATE_FIELDS = ("date_of_birth", "screening_date", "reference_date")
_BOOL_FIELDS = (
    "prior_radical_radiotherapy",
    "prior_thoracic_radiotherapy",
    "recurrence_in_prior_rt_field",
    "cga_favourable",
    "informed_consent",
    "induction_chemoimmunotherapy",
    "active_infection",
    "chemotherapy_drug_allergy",
    "autoimmune_disease",
    "radiotherapy_unsafe",
)
_ENUM_FIELDS: Mapping[str, type[StrEnum]] = {
    "sex": Sex,
    "histology": Histology,
    "disease_setting": DiseaseSetting,
    "initial_t": TCategory,
    "initial_n": NCategory,
    "initial_m": MCategory,
    "induction_response": InductionResponse,
}
_LIST_FIELDS: Mapping[str, Callable[[object, str], Any]] = {
    "other_malignancies": partial(_enum, MalignancyHistory),
    "prior_treatments": partial(_enum, PriorTreatment),
    "serious_events": _serious_event,
    "other_trials": _participation,
}
_ULN_FIELDS: Mapping[str, Analyte] = {
    "bilirubin_uln": Analyte.TOTAL_BILIRUBIN,
    "alt_uln": Analyte.ALT,
    "ast_uln": Analyte.AST,
    "creatinine_uln": Analyte.CREATININE,
}
_LAB_FIELDS: Mapping[str, Analyte] = {
    "anc": Analyte.ANC,
    "haemoglobin": Analyte.HAEMOGLOBIN,
    "platelets": Analyte.PLATELETS,
    "total_bilirubin": Analyte.TOTAL_BILIRUBIN,
    "alt": Analyte.ALT,
    "ast": Analyte.AST,
    "creatinine": Analyte.CREATININE,
    **_ULN_FIELDS,
}

# ---------------------------------------------------------------- dates


def age_in_years(
    date_of_birth: date,
    on: date,
    *,
    leap_day_birthday: Literal["march_1", "february_28"] = "march_1",
) -> int:
    """Age in completed years on a date.

    Someone born on 29 February has a birthday in a common year on 1 March by
    default (so turns 18 a day later than on 28 February): the conservative choice
    for a minimum age. `leap_day_birthday` chooses the other convention.
    """
    if date_of_birth > on:
        raise ValueError("date_of_birth must not be after the date the age is taken on")
    birthday = (date_of_birth.month, date_of_birth.day)
    if birthday == (2, 29) and not calendar.isleap(on.year):
        birthday = (3, 1) if leap_day_birthday == "march_1" else (2, 28)
    return on.year - date_of_birth.year - ((on.month, on.day) < birthday)


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` calendar months later (earlier if negative).

    A day that does not exist in the target month becomes its last day:
    31 August minus 6 months is 28 February, or 29 February in a leap year.
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


# ---------------------------------------------------------------- three-valued findings


@dataclass(frozen=True)
class _Finding:
    """A sub-question's answer: True, False or None (undecided), with reasons and needs."""

    holds: bool | None
    reasons: tuple[Message, ...]
    missing: tuple[str, ...] = ()


def _fact(holds: bool, template: str, **params: object) -> _Finding:
    return _Finding(holds, (Message(template, params),))


def _known(holds: bool, if_true: str, if_false: str, **params: object) -> _Finding:
    return _fact(holds, if_true if holds else if_false, **params)


def _unknown(template: str, *missing: str, **params: object) -> _Finding:
    return _Finding(None, (Message(template, params),), missing)


def _flag(
    evidence: ScreeningEvidence,
    name: str,
    if_yes: str,
    if_no: str,
    if_none: str,
    *,
    holds_when: bool = True,
) -> _Finding:
    """A recorded yes/no answer; the finding holds when the answer is `holds_when`."""
    value = getattr(evidence, name)
    if value is None:
        return _unknown(if_none, name)
    return _Finding(value is holds_when, (Message(if_yes if value else if_no),))


def _combine(findings: Sequence[_Finding], decisive: bool) -> _Finding:
    """Kleene logic. All-of: one False decides; any-of: one True decides. Otherwise any
    undecided part leaves the whole undecided, naming what each part still needs."""
    deciding = [finding for finding in findings if finding.holds is decisive]
    if deciding:
        return _Finding(decisive, tuple(r for finding in deciding for r in finding.reasons))
    reasons = tuple(r for finding in findings for r in finding.reasons)
    undecided = [finding for finding in findings if finding.holds is None]
    if undecided:
        missing = tuple(dict.fromkeys(m for finding in undecided for m in finding.missing))
        return _Finding(None, reasons, missing)
    return _Finding(not decisive, reasons)


def _all_of(*findings: _Finding) -> _Finding:
    return _combine(findings, decisive=False)


def _any_of(*findings: _Finding) -> _Finding:
    return _combine(findings, decisive=True)


def _explained(template: str, finding: _Finding, **params: object) -> _Finding:
    return replace(finding, reasons=(Message(template, params), *finding.reasons))


def _outcome(finding: _Finding) -> RuleOutcome:
    status = {
        True: CriterionStatus.MET,
        False: CriterionStatus.NOT_MET,
        None: CriterionStatus.INSUFFICIENT,
    }[finding.holds]
    return status, finding.reasons, finding.missing


def _fmt(value: Number) -> str:
    """A number for display: exact when it has at most 2 decimals, else "~" and 2 decimals."""
    exact = laboratory.as_fraction(value, "value")
    shown = round(exact, 2)
    text = format((Decimal(shown.numerator) / Decimal(shown.denominator)).normalize(), "f")
    return text if shown == exact else f"~{text}"


def _missing(evidence: ScreeningEvidence, *names: str) -> tuple[str, ...]:
    return tuple(name for name in names if getattr(evidence, name) is None)


def _age(evidence: ScreeningEvidence) -> int | None:
    if evidence.date_of_birth is None or evidence.screening_date is None:
        return None
    return age_in_years(evidence.date_of_birth, evidence.screening_date)


_AGE_UNKNOWN = gettext_noop(
    "%(criterion)s: age is not known until the date of birth and screening date are recorded."
)


def _age_unknown(evidence: ScreeningEvidence) -> _Finding:
    return _unknown(_AGE_UNKNOWN, *_missing(evidence, "date_of_birth", "screening_date"))


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NoParams(_Params):
    """The rule takes no parameters."""


# ---------------------------------------------------------------- I1 min_age


class MinAgeParams(_Params):
    """`years`: the minimum age in completed years, inclusive (age >= years passes)."""

    years: int = Field(ge=0, le=120)


_AGE_AT_LEAST = gettext_noop("%(criterion)s: aged %(age)s on %(date)s, at least %(min)s years.")
_AGE_BELOW = gettext_noop("%(criterion)s: aged %(age)s on %(date)s, below the minimum of %(min)s.")


def _min_age(params: MinAgeParams, evidence: ScreeningEvidence) -> RuleOutcome:
    """Age in completed years on the screening date is at least `years`
    (clinical-rules.md §1.3, I1)."""
    age = _age(evidence)
    if age is None:
        return _outcome(_age_unknown(evidence))
    return _outcome(
        _known(
            age >= params.years,
            _AGE_AT_LEAST,
            _AGE_BELOW,
            age=age,
            min=params.years,
            date=evidence.screening_date.isoformat(),
        )
    )


# ---------------------------------------------------------------- I2 escc_stage_ivb_or_recurrence


class StageParams(_Params):
    """`ajcc_edition`: only 8 is implemented; `stage`: the required initial clinical stage."""

    ajcc_edition: Literal[8]
    stage: StageGroup


_HISTOLOGY_NONE = gettext_noop(
    "%(criterion)s: the histological or cytological diagnosis is not recorded."
)
_HISTOLOGY_SCC = gettext_noop(
    "%(criterion)s: squamous cell carcinoma confirmed by histology or cytology."
)
_HISTOLOGY_OTHER = gettext_noop(
    "%(criterion)s: no confirmed squamous cell carcinoma (recorded: %(histology)s)."
)
_SETTING_NONE = gettext_noop(
    "%(criterion)s: whether this is the initial diagnosis or a recurrence is not recorded."
)
_SETTING_OTHER = gettext_noop(
    "%(criterion)s: neither initial stage %(stage)s nor a recurrence after radical treatment."
)
_M_NONE = gettext_noop("%(criterion)s: the initial clinical M category is not recorded.")
_TN_NONE = gettext_noop(
    "%(criterion)s: the initial clinical T and N categories are needed for the stage."
)
_TNM_UNDECIDED = gettext_noop(
    "%(criterion)s: initial c%(t)s %(n)s %(m)s does not decide an AJCC 8 stage group."
)
_STAGE_IS = gettext_noop("%(criterion)s: initial clinical stage %(stage)s (AJCC 8th edition).")
_STAGE_IS_NOT = gettext_noop(
    "%(criterion)s: initial clinical stage %(actual)s, not %(stage)s (AJCC 8th edition)."
)
_RECURRENCE_IN_FIELD = gettext_noop(
    "%(criterion)s: the recurrence lies within a previous radiation field."
)
_RECURRENCE_OUTSIDE = gettext_noop(
    "%(criterion)s: recurrence after radical treatment, outside any previous radiation field."
)
_RECURRENCE_NONE = gettext_noop(
    "%(criterion)s: whether the recurrence lies within a previous radiation field is not recorded."
)


def _initial_stage(params: StageParams, evidence: ScreeningEvidence) -> _Finding:
    t, n, m = evidence.initial_t, evidence.initial_n, evidence.initial_m
    if m is None:
        return _unknown(_M_NONE, "initial_m")
    if m is MCategory.M1:
        stage: StageGroup | None = StageGroup.STAGE_IVB  # any T, any N (§6.2)
    elif params.stage is StageGroup.STAGE_IVB:
        # M0 is never IVB whatever T and N turn out to be.
        return _fact(False, _STAGE_IS_NOT, stage=params.stage.value, actual="M0")
    elif t is None or n is None:
        return _unknown(_TN_NONE, *_missing(evidence, "initial_t", "initial_n"))
    else:
        stage = clinical_stage_group(t, n, m)
        if stage is None:
            return _unknown(
                _TNM_UNDECIDED, "initial_t", "initial_n", t=t.value, n=n.value, m=m.value
            )
    return _known(
        stage is params.stage,
        _STAGE_IS,
        _STAGE_IS_NOT,
        stage=params.stage.value,
        actual=stage.value,
    )


def _escc_stage_ivb_or_recurrence(params: StageParams, evidence: ScreeningEvidence) -> RuleOutcome:
    """Confirmed oesophageal SCC, and initial clinical stage IVB (AJCC 8) or a recurrence
    after radical surgery or radiotherapy outside any previous radiation field
    (clinical-rules.md §1.3 I2, §6.2)."""
    if evidence.histology is None:
        histology = _unknown(_HISTOLOGY_NONE, "histology")
    else:
        histology = _known(
            evidence.histology is Histology.SQUAMOUS_CELL_CARCINOMA,
            _HISTOLOGY_SCC,
            _HISTOLOGY_OTHER,
            histology=evidence.histology.value,
        )
    setting = evidence.disease_setting
    if setting is None:
        route = _unknown(_SETTING_NONE, "disease_setting")
    elif setting is DiseaseSetting.INITIAL_DIAGNOSIS:
        route = _initial_stage(params, evidence)
    elif setting is DiseaseSetting.RECURRENCE_AFTER_RADICAL_TREATMENT:
        route = _flag(
            evidence,
            "recurrence_in_prior_rt_field",
            _RECURRENCE_IN_FIELD,
            _RECURRENCE_OUTSIDE,
            _RECURRENCE_NONE,
            holds_when=False,
        )
    else:
        route = _fact(False, _SETTING_OTHER, stage=params.stage.value)
    return _outcome(_all_of(histology, route))


# ------------------------------------------------ I3 performance_and_geriatric_status


class PerformanceGeriatricParams(_Params):
    """ECOG at most `max_ecog` (inclusive). From `geriatric_age` (inclusive) a G8 score
    above `g8_normal_above` (exclusive: 14 fails, 14.5 passes) is needed or, when
    `accept_cga`, a comprehensive geriatric assessment documented as favourable."""

    max_ecog: int = Field(ge=0, le=5)
    geriatric_age: int = Field(ge=0, le=120)
    g8_normal_above: Decimal = Field(ge=0, le=17)
    accept_cga: bool


_ECOG_NONE = gettext_noop("%(criterion)s: ECOG performance status is not recorded.")
_ECOG_WITHIN = gettext_noop("%(criterion)s: ECOG %(ecog)s, within the maximum of %(max)s.")
_ECOG_ABOVE = gettext_noop("%(criterion)s: ECOG %(ecog)s, above the maximum of %(max)s.")
_NOT_GERIATRIC = gettext_noop(
    "%(criterion)s: aged %(age)s, under %(geriatric_age)s: no geriatric screening needed."
)
_GERIATRIC = gettext_noop(
    "%(criterion)s: aged %(age)s, %(geriatric_age)s or over: "
    "a good geriatric screening result is needed."
)
_G8_NONE = gettext_noop("%(criterion)s: the G8 score is not recorded.")
_G8_NORMAL = gettext_noop("%(criterion)s: G8 score %(score)s is above %(cut_off)s (normal).")
_G8_ABNORMAL = gettext_noop(
    "%(criterion)s: G8 score %(score)s is not above %(cut_off)s (abnormal)."
)
_CGA_GOOD = gettext_noop(
    "%(criterion)s: comprehensive geriatric assessment documented as favourable."
)
_CGA_NOT_GOOD = gettext_noop("%(criterion)s: comprehensive geriatric assessment not favourable.")
_CGA_NONE = gettext_noop("%(criterion)s: no comprehensive geriatric assessment is recorded.")


def _geriatric_screening(
    params: PerformanceGeriatricParams, evidence: ScreeningEvidence
) -> _Finding:
    if evidence.g8_score is None:
        screening = _unknown(_G8_NONE, "g8_score")
    else:
        screening = _known(
            g8.is_normal(evidence.g8_score, params.g8_normal_above),
            _G8_NORMAL,
            _G8_ABNORMAL,
            score=_fmt(evidence.g8_score),
            cut_off=_fmt(params.g8_normal_above),
        )
    if not params.accept_cga:
        return screening
    assessment = _flag(evidence, "cga_favourable", _CGA_GOOD, _CGA_NOT_GOOD, _CGA_NONE)
    return _any_of(screening, assessment)


def _performance_and_geriatric_status(
    params: PerformanceGeriatricParams, evidence: ScreeningEvidence
) -> RuleOutcome:
    """ECOG 0-1; from age 65 a good G8 (above 14) or comprehensive geriatric assessment
    (clinical-rules.md §1.3 I3, §5.1, §5.2, §9.8)."""
    if evidence.ecog is None:
        performance = _unknown(_ECOG_NONE, "ecog")
    else:
        performance = _known(
            evidence.ecog <= params.max_ecog,
            _ECOG_WITHIN,
            _ECOG_ABOVE,
            ecog=evidence.ecog,
            max=params.max_ecog,
        )
    age = _age(evidence)
    if age is None:
        geriatric = _age_unknown(evidence)
    elif age < params.geriatric_age:
        geriatric = _fact(True, _NOT_GERIATRIC, age=age, geriatric_age=params.geriatric_age)
    else:
        geriatric = _explained(
            _GERIATRIC,
            _geriatric_screening(params, evidence),
            age=age,
            geriatric_age=params.geriatric_age,
        )
    return _outcome(_all_of(performance, geriatric))


# ---------------------------------------------------------------- I4 laboratory_thresholds


class LaboratoryParams(_Params):
    """Every bound is inclusive: a `_min_` bound passes a result equal to it (ANC >= 1.5),
    a `_max_` bound passes a result equal to it (bilirubin <= 1.5 x ULN).

    Kidney function: by default ("either") creatinine within `creatinine_max_x_uln`
    or a Cockcroft-Gault clearance of at least `creatinine_clearance_min_ml_per_min`
    suffices, as the usual wording "creatinine <= 1.5 x ULN or CrCl >= 60 mL/min"
    reads; "both" requires both. Without a clearance bound only creatinine counts.
    """

    anc_min_e9_per_l: Decimal = Field(gt=0)
    haemoglobin_min_g_per_l: Decimal = Field(gt=0)
    platelets_min_e9_per_l: Decimal = Field(gt=0)
    bilirubin_max_x_uln: Decimal = Field(gt=0)
    alt_max_x_uln: Decimal = Field(gt=0)
    ast_max_x_uln: Decimal = Field(gt=0)
    creatinine_max_x_uln: Decimal = Field(gt=0)
    creatinine_clearance_min_ml_per_min: Decimal | None = Field(default=None, gt=0)
    kidney_function_requires: Literal["either", "both"] = "either"


@dataclass(frozen=True)
class _LabTexts:
    within: str
    outside: str
    not_recorded: str
    uln_not_recorded: str = ""


_MINIMUM_TEXTS = {
    "anc": _LabTexts(
        gettext_noop("%(criterion)s: neutrophils %(value)s × 10⁹/L, at least %(limit)s × 10⁹/L."),
        gettext_noop("%(criterion)s: neutrophils %(value)s × 10⁹/L, below %(limit)s × 10⁹/L."),
        gettext_noop("%(criterion)s: the absolute neutrophil count is not recorded."),
    ),
    "haemoglobin": _LabTexts(
        gettext_noop("%(criterion)s: haemoglobin %(value)s g/L, at least %(limit)s g/L."),
        gettext_noop("%(criterion)s: haemoglobin %(value)s g/L, below %(limit)s g/L."),
        gettext_noop("%(criterion)s: haemoglobin is not recorded."),
    ),
    "platelets": _LabTexts(
        gettext_noop("%(criterion)s: platelets %(value)s × 10⁹/L, at least %(limit)s × 10⁹/L."),
        gettext_noop("%(criterion)s: platelets %(value)s × 10⁹/L, below %(limit)s × 10⁹/L."),
        gettext_noop("%(criterion)s: the platelet count is not recorded."),
    ),
}
_ULN_TEXTS = {
    "total_bilirubin": _LabTexts(
        gettext_noop("%(criterion)s: total bilirubin %(value)s × ULN, at most %(limit)s × ULN."),
        gettext_noop("%(criterion)s: total bilirubin %(value)s × ULN, above %(limit)s × ULN."),
        gettext_noop("%(criterion)s: total bilirubin is not recorded."),
        gettext_noop(
            "%(criterion)s: the site's upper limit of normal for bilirubin is not recorded."
        ),
    ),
    "alt": _LabTexts(
        gettext_noop("%(criterion)s: ALT %(value)s × ULN, at most %(limit)s × ULN."),
        gettext_noop("%(criterion)s: ALT %(value)s × ULN, above %(limit)s × ULN."),
        gettext_noop("%(criterion)s: ALT is not recorded."),
        gettext_noop("%(criterion)s: the site's upper limit of normal for ALT is not recorded."),
    ),
    "ast": _LabTexts(
        gettext_noop("%(criterion)s: AST %(value)s × ULN, at most %(limit)s × ULN."),
        gettext_noop("%(criterion)s: AST %(value)s × ULN, above %(limit)s × ULN."),
        gettext_noop("%(criterion)s: AST is not recorded."),
        gettext_noop("%(criterion)s: the site's upper limit of normal for AST is not recorded."),
    ),
    "creatinine": _LabTexts(
        gettext_noop("%(criterion)s: creatinine %(value)s × ULN, at most %(limit)s × ULN."),
        gettext_noop("%(criterion)s: creatinine %(value)s × ULN, above %(limit)s × ULN."),
        gettext_noop("%(criterion)s: creatinine is not recorded."),
        gettext_noop(
            "%(criterion)s: the site's upper limit of normal for creatinine is not recorded."
        ),
    ),
}
_ULN_FIELD_OF = {
    "total_bilirubin": "bilirubin_uln",
    "alt": "alt_uln",
    "ast": "ast_uln",
    "creatinine": "creatinine_uln",
}
_CLEARANCE_WITHIN = gettext_noop(
    "%(criterion)s: creatinine clearance (Cockcroft–Gault) %(value)s mL/min, "
    "at least %(limit)s mL/min."
)
_CLEARANCE_BELOW = gettext_noop(
    "%(criterion)s: creatinine clearance (Cockcroft–Gault) %(value)s mL/min, "
    "below %(limit)s mL/min."
)
_CLEARANCE_NONE = gettext_noop(
    "%(criterion)s: creatinine clearance needs age, sex, weight and creatinine."
)
_KIDNEY_EITHER = gettext_noop(
    "%(criterion)s: kidney function passes on creatinine or on creatinine clearance."
)


def _at_least(evidence: ScreeningEvidence, name: str, minimum: Decimal) -> _Finding:
    texts = _MINIMUM_TEXTS[name]
    recorded = getattr(evidence, name)
    if recorded is None:
        return _unknown(texts.not_recorded, name)
    value = laboratory.to_canonical(recorded, _LAB_FIELDS[name], field=name)
    limit = Fraction(minimum)
    return _known(value >= limit, texts.within, texts.outside, value=_fmt(value), limit=_fmt(limit))


def _at_most_uln(evidence: ScreeningEvidence, name: str, maximum: Decimal) -> _Finding:
    texts = _ULN_TEXTS[name]
    uln_name = _ULN_FIELD_OF[name]
    recorded, uln = getattr(evidence, name), getattr(evidence, uln_name)
    if recorded is None or uln is None:
        parts = [_unknown(texts.not_recorded, name)] if recorded is None else []
        if uln is None:
            parts.append(_unknown(texts.uln_not_recorded, uln_name))
        return _all_of(*parts)
    ratio = laboratory.times_uln(recorded, uln, _LAB_FIELDS[name], field=name, uln_field=uln_name)
    limit = Fraction(maximum)
    return _known(ratio <= limit, texts.within, texts.outside, value=_fmt(ratio), limit=_fmt(limit))


def _creatinine_clearance(evidence: ScreeningEvidence, minimum: Decimal) -> _Finding:
    age = _age(evidence)
    needed = _missing(evidence, "date_of_birth", "screening_date", "sex", "weight_kg", "creatinine")
    if age is None or needed:
        return _unknown(_CLEARANCE_NONE, *needed)
    clearance = cockcroft_gault(
        age_years=age,
        weight_kg=laboratory.as_fraction(evidence.weight_kg, "weight_kg"),
        serum_creatinine_mg_per_dl=laboratory.convert(
            evidence.creatinine, Analyte.CREATININE, "mg/dL", field="creatinine"
        ),
        sex=evidence.sex,
    )
    limit = Fraction(minimum)
    return _known(
        clearance >= limit,
        _CLEARANCE_WITHIN,
        _CLEARANCE_BELOW,
        value=_fmt(clearance),
        limit=_fmt(limit),
    )


def _kidney_function(params: LaboratoryParams, evidence: ScreeningEvidence) -> _Finding:
    creatinine = _at_most_uln(evidence, "creatinine", params.creatinine_max_x_uln)
    if params.creatinine_clearance_min_ml_per_min is None:
        return creatinine
    clearance = _creatinine_clearance(evidence, params.creatinine_clearance_min_ml_per_min)
    if params.kidney_function_requires == "both":
        return _all_of(creatinine, clearance)
    kidney = _any_of(creatinine, clearance)
    return kidney if kidney.holds else _explained(_KIDNEY_EITHER, kidney)


def _laboratory_thresholds(params: LaboratoryParams, evidence: ScreeningEvidence) -> RuleOutcome:
    """Blood counts, liver and kidney function within the protocol's limits
    (clinical-rules.md §1.3 I4, §9.8; Cockcroft-Gault §7.4). The upper limits of
    normal are the site's, recorded in the evidence."""
    return _outcome(
        _all_of(
            _at_least(evidence, "anc", params.anc_min_e9_per_l),
            _at_least(evidence, "haemoglobin", params.haemoglobin_min_g_per_l),
            _at_least(evidence, "platelets", params.platelets_min_e9_per_l),
            _at_most_uln(evidence, "total_bilirubin", params.bilirubin_max_x_uln),
            _at_most_uln(evidence, "alt", params.alt_max_x_uln),
            _at_most_uln(evidence, "ast", params.ast_max_x_uln),
            _kidney_function(params, evidence),
        )
    )


# ---------------------------------------------------------------- I5 prior_radiotherapy_field


class PriorRadiotherapyParams(_Params):
    """`variant` chooses between the registry versions (clinical-rules.md §1.3 [CONFLICT],
    §9.4): "no_recurrence_in_prior_field" (after definitive or preoperative
    radiotherapy, no recurrence within its field) or "no_prior_thoracic_rt" (no
    thoracic radiotherapy ever)."""

    variant: Literal["no_recurrence_in_prior_field", "no_prior_thoracic_rt"]


_THORACIC_RT = gettext_noop(
    "%(criterion)s: previous thoracic radiotherapy, which this version excludes."
)
_NO_THORACIC_RT = gettext_noop("%(criterion)s: no previous thoracic radiotherapy.")
_THORACIC_RT_NONE = gettext_noop(
    "%(criterion)s: whether the chest was irradiated before is not recorded."
)
_RADICAL_RT_NONE = gettext_noop(
    "%(criterion)s: whether definitive or preoperative radiotherapy was given is not recorded."
)
_NO_RADICAL_RT = gettext_noop("%(criterion)s: no previous definitive or preoperative radiotherapy.")
_IN_PRIOR_FIELD = gettext_noop("%(criterion)s: recurrence within the previous radiation field.")
_OUTSIDE_PRIOR_FIELD = gettext_noop(
    "%(criterion)s: after previous radiotherapy, no recurrence within its field."
)
_PRIOR_FIELD_NONE = gettext_noop(
    "%(criterion)s: whether the recurrence lies within the previous field is not recorded."
)


def _prior_radiotherapy_field(
    params: PriorRadiotherapyParams, evidence: ScreeningEvidence
) -> RuleOutcome:
    """Previous radiotherapy, per the registry version the protocol chose
    (clinical-rules.md §1.3 I5 [CONFLICT], §9.4)."""
    if params.variant == "no_prior_thoracic_rt":
        return _outcome(
            _flag(
                evidence,
                "prior_thoracic_radiotherapy",
                _THORACIC_RT,
                _NO_THORACIC_RT,
                _THORACIC_RT_NONE,
                holds_when=False,
            )
        )
    if evidence.prior_radical_radiotherapy is None:
        return _outcome(_unknown(_RADICAL_RT_NONE, "prior_radical_radiotherapy"))
    if not evidence.prior_radical_radiotherapy:
        return _outcome(_fact(True, _NO_RADICAL_RT))
    return _outcome(
        _flag(
            evidence,
            "recurrence_in_prior_rt_field",
            _IN_PRIOR_FIELD,
            _OUTSIDE_PRIOR_FIELD,
            _PRIOR_FIELD_NONE,
            holds_when=False,
        )
    )


# ---------------------------------------------------------------- I6 expected_survival


class ExpectedSurvivalParams(_Params):
    """Expected survival must be more than `min_weeks`: exclusive, so exactly 12 weeks
    does not pass, as the registry says "more than 12 weeks"."""

    min_weeks: Decimal = Field(gt=0)


_SURVIVAL_NONE = gettext_noop("%(criterion)s: the expected survival is not recorded.")
_SURVIVAL_LONGER = gettext_noop(
    "%(criterion)s: expected survival %(weeks)s weeks, more than %(min)s weeks."
)
_SURVIVAL_SHORTER = gettext_noop(
    "%(criterion)s: expected survival %(weeks)s weeks, not more than %(min)s weeks."
)


def _expected_survival(params: ExpectedSurvivalParams, evidence: ScreeningEvidence) -> RuleOutcome:
    """Expected survival of more than 12 weeks (clinical-rules.md §1.3 I6)."""
    if evidence.expected_survival_weeks is None:
        return _outcome(_unknown(_SURVIVAL_NONE, "expected_survival_weeks"))
    weeks = laboratory.as_fraction(evidence.expected_survival_weeks, "expected_survival_weeks")
    return _outcome(
        _known(
            weeks > Fraction(params.min_weeks),
            _SURVIVAL_LONGER,
            _SURVIVAL_SHORTER,
            weeks=_fmt(weeks),
            min=_fmt(params.min_weeks),
        )
    )


# ---------------------------------------------------------------- I7 informed_consent

_CONSENT = gettext_noop("%(criterion)s: informed consent provided.")
_NO_CONSENT = gettext_noop("%(criterion)s: informed consent not provided.")
_CONSENT_NONE = gettext_noop("%(criterion)s: informed consent is not recorded.")


def _informed_consent(params: NoParams, evidence: ScreeningEvidence) -> RuleOutcome:
    """Informed consent provided (clinical-rules.md §1.3 I7)."""
    return _outcome(_flag(evidence, "informed_consent", _CONSENT, _NO_CONSENT, _CONSENT_NONE))


# ---------------------------------------------------------------- I8 induction_response


class InductionResponseParams(_Params):
    """Induction cycles within [`min_cycles`, `max_cycles`], both inclusive, and a
    response in `qualifying_responses` (clinical-rules.md §9.3: CR and PR by default;
    add SD to count disease control)."""

    min_cycles: int = Field(ge=1, le=20)
    max_cycles: int = Field(ge=1, le=20)
    qualifying_responses: tuple[Literal["CR", "PR", "SD"], ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _range(self) -> InductionResponseParams:
        if self.min_cycles > self.max_cycles:
            raise ValueError("min_cycles must not be above max_cycles")
        return self


_REGIMEN = gettext_noop(
    "%(criterion)s: induction was first-line chemotherapy with a PD-1 inhibitor."
)
_NOT_REGIMEN = gettext_noop(
    "%(criterion)s: induction was not first-line chemotherapy with a PD-1 inhibitor."
)
_REGIMEN_NONE = gettext_noop("%(criterion)s: the induction regimen is not recorded.")
_CYCLES_NONE = gettext_noop("%(criterion)s: the number of induction cycles is not recorded.")
_CYCLES_WITHIN = gettext_noop(
    "%(criterion)s: %(cycles)s induction cycles, within %(min)s to %(max)s."
)
_CYCLES_OUTSIDE = gettext_noop(
    "%(criterion)s: %(cycles)s induction cycles, outside %(min)s to %(max)s."
)
_RESPONSE_NONE = gettext_noop("%(criterion)s: the response to induction is not recorded.")
_RESPONSE_QUALIFIES = gettext_noop("%(criterion)s: response %(response)s, one of %(qualifying)s.")
_RESPONSE_FAILS = gettext_noop("%(criterion)s: response %(response)s, not one of %(qualifying)s.")


def _induction_response(
    params: InductionResponseParams, evidence: ScreeningEvidence
) -> RuleOutcome:
    """Response to 2-4 cycles of first-line chemotherapy with a PD-1 inhibitor
    (clinical-rules.md §1.3 I8, §9.3)."""
    regimen = _flag(evidence, "induction_chemoimmunotherapy", _REGIMEN, _NOT_REGIMEN, _REGIMEN_NONE)
    cycles_given = evidence.induction_cycles
    if cycles_given is None:
        cycles = _unknown(_CYCLES_NONE, "induction_cycles")
    else:
        cycles = _known(
            params.min_cycles <= cycles_given <= params.max_cycles,
            _CYCLES_WITHIN,
            _CYCLES_OUTSIDE,
            cycles=cycles_given,
            min=params.min_cycles,
            max=params.max_cycles,
        )
    if evidence.induction_response is None:
        response = _unknown(_RESPONSE_NONE, "induction_response")
    else:
        response = _known(
            evidence.induction_response.value in params.qualifying_responses,
            _RESPONSE_QUALIFIES,
            _RESPONSE_FAILS,
            response=evidence.induction_response.value,
            qualifying=", ".join(params.qualifying_responses),
        )
    return _outcome(_all_of(regimen, cycles, response))


# ---------------------------------------------------------------- E1 other_malignancy


class OtherMalignancyParams(_Params):
    """`allowed`: earlier cancers that do not exclude ("other" cannot be allowed)."""

    allowed: tuple[MalignancyHistory, ...] = ()

    @model_validator(mode="after")
    def _not_other(self) -> OtherMalignancyParams:
        if MalignancyHistory.OTHER in self.allowed:
            raise ValueError("allowed cannot contain 'other': it would allow any cancer")
        return self


_MALIGNANCY_NONE = gettext_noop("%(criterion)s: the history of other cancers is not recorded.")
_MALIGNANCY_BARRED = gettext_noop(
    "%(criterion)s: history of a cancer the protocol does not allow (%(kinds)s)."
)
_MALIGNANCY_ALLOWED = gettext_noop("%(criterion)s: only cancers the protocol allows (%(kinds)s).")
_NO_MALIGNANCY = gettext_noop("%(criterion)s: no history of another cancer.")


def _kinds(values: Iterable[StrEnum]) -> str:
    return ", ".join(dict.fromkeys(value.value for value in values))


def _other_malignancy(params: OtherMalignancyParams, evidence: ScreeningEvidence) -> RuleOutcome:
    """History of another cancer, apart from those allowed (clinical-rules.md §1.3 E1)."""
    history = evidence.other_malignancies
    if history is None:
        return _outcome(_unknown(_MALIGNANCY_NONE, "other_malignancies"))
    barred = [kind for kind in history if kind not in params.allowed]
    if barred:
        return _outcome(_fact(True, _MALIGNANCY_BARRED, kinds=_kinds(barred)))
    if history:
        return _outcome(_fact(False, _MALIGNANCY_ALLOWED, kinds=_kinds(history)))
    return _outcome(_fact(False, _NO_MALIGNANCY))


# ---------------------------------------------------------------- E2 prior_antitumour_treatment


class PriorTreatmentParams(_Params):
    """Which earlier treatments do not exclude: ostomy surgery, the induction
    chemo-immunotherapy and (read with I2) radical treatment of the disease before
    its recurrence."""

    allow_ostomy: bool
    allow_induction: bool
    allow_radical_treatment_before_recurrence: bool = True


_TREATMENT_NONE = gettext_noop("%(criterion)s: treatments before enrolment are not recorded.")
_TREATMENT_BARRED = gettext_noop(
    "%(criterion)s: treatment before enrolment the protocol does not allow (%(kinds)s)."
)
_TREATMENT_ALLOWED = gettext_noop(
    "%(criterion)s: no treatment before enrolment other than those allowed."
)


def _prior_antitumour_treatment(
    params: PriorTreatmentParams, evidence: ScreeningEvidence
) -> RuleOutcome:
    """Surgery (except ostomy), chemotherapy or other anti-tumour treatment before
    enrolment, other than the induction (clinical-rules.md §1.3 E2)."""
    if evidence.prior_treatments is None:
        return _outcome(_unknown(_TREATMENT_NONE, "prior_treatments"))
    allowed = {
        PriorTreatment.OSTOMY: params.allow_ostomy,
        PriorTreatment.INDUCTION_CHEMOIMMUNOTHERAPY: params.allow_induction,
        PriorTreatment.RADICAL_TREATMENT_BEFORE_RECURRENCE: (
            params.allow_radical_treatment_before_recurrence
        ),
    }
    barred = [kind for kind in evidence.prior_treatments if not allowed.get(kind, False)]
    return _outcome(
        _known(bool(barred), _TREATMENT_BARRED, _TREATMENT_ALLOWED, kinds=_kinds(barred))
    )


# ---------------------------------------------------------------- E3 recent_serious_event


class RecentSeriousEventParams(_Params):
    """Look-back of `months` calendar months before the reference date, inclusive: an
    event on the day exactly `months` months before counts (see `add_months`), and so
    does one dated after the reference date."""

    months: int = Field(ge=1, le=120)


_INFECTION = gettext_noop("%(criterion)s: active infection.")
_NO_INFECTION = gettext_noop("%(criterion)s: no active infection.")
_INFECTION_NONE = gettext_noop(
    "%(criterion)s: whether there is an active infection is not recorded."
)
_EVENTS_NONE = gettext_noop(
    "%(criterion)s: infarction, stroke and major surgery history is not recorded."
)
_NO_EVENTS = gettext_noop(
    "%(criterion)s: no myocardial infarction, stroke or major surgery recorded."
)
_REFERENCE_NONE = gettext_noop(
    "%(criterion)s: the reference date of the look-back window is not recorded."
)
_EVENT_RECENT = gettext_noop(
    "%(criterion)s: %(event)s on %(date)s, within %(months)s months before %(reference)s."
)
_EVENTS_OLDER = gettext_noop(
    "%(criterion)s: no infarction, stroke or major surgery within %(months)s months "
    "before %(reference)s (since %(start)s)."
)


def _recent_events(params: RecentSeriousEventParams, evidence: ScreeningEvidence) -> _Finding:
    events = evidence.serious_events
    if events is None:
        return _unknown(_EVENTS_NONE, "serious_events")
    if not events:
        return _fact(False, _NO_EVENTS)
    reference = evidence.reference_date
    if reference is None:
        return _unknown(_REFERENCE_NONE, "reference_date")
    start = add_months(reference, -params.months)
    window = {"months": params.months, "reference": reference.isoformat()}
    inside = [event for event in events if event.event_date >= start]
    if not inside:
        return _fact(False, _EVENTS_OLDER, start=start.isoformat(), **window)
    return _any_of(
        *(
            _fact(
                True,
                _EVENT_RECENT,
                event=event.kind.value,
                date=event.event_date.isoformat(),
                **window,
            )
            for event in inside
        )
    )


def _recent_serious_event(
    params: RecentSeriousEventParams, evidence: ScreeningEvidence
) -> RuleOutcome:
    """Active infection; or myocardial infarction, cerebrovascular accident, or
    gastrointestinal, neurological or cardiopulmonary surgery within 6 months before
    the reference date (clinical-rules.md §1.3 E3)."""
    infection = _flag(evidence, "active_infection", _INFECTION, _NO_INFECTION, _INFECTION_NONE)
    return _outcome(_any_of(infection, _recent_events(params, evidence)))


# ---------------------------------------------------------------- E4 allergy_or_autoimmune

_ALLERGY = gettext_noop("%(criterion)s: history of allergy to chemotherapy drugs.")
_NO_ALLERGY = gettext_noop("%(criterion)s: no allergy to chemotherapy drugs.")
_ALLERGY_NONE = gettext_noop("%(criterion)s: allergy to chemotherapy drugs is not recorded.")
_AUTOIMMUNE = gettext_noop("%(criterion)s: history of autoimmune disease.")
_NO_AUTOIMMUNE = gettext_noop("%(criterion)s: no autoimmune disease.")
_AUTOIMMUNE_NONE = gettext_noop("%(criterion)s: autoimmune disease is not recorded.")


def _allergy_or_autoimmune(params: NoParams, evidence: ScreeningEvidence) -> RuleOutcome:
    """History of allergy to chemotherapy drugs, or autoimmune disease
    (clinical-rules.md §1.3 E4)."""
    return _outcome(
        _any_of(
            _flag(evidence, "chemotherapy_drug_allergy", _ALLERGY, _NO_ALLERGY, _ALLERGY_NONE),
            _flag(evidence, "autoimmune_disease", _AUTOIMMUNE, _NO_AUTOIMMUNE, _AUTOIMMUNE_NONE),
        )
    )


# ---------------------------------------------------------------- E5 other_trial_participation


class OtherTrialParams(_Params):
    """Look-back of `weeks` x 7 days before the reference date, inclusive: taking part
    that ended exactly 4 weeks (28 days) before counts; 29 days before does not."""

    weeks: int = Field(ge=1, le=520)


_TRIALS_NONE = gettext_noop(
    "%(criterion)s: participation in other clinical trials is not recorded."
)
_TRIAL_NOW = gettext_noop("%(criterion)s: taking part in another clinical trial now.")
_NO_TRIALS = gettext_noop("%(criterion)s: no participation in another clinical trial.")
_TRIAL_RECENT = gettext_noop(
    "%(criterion)s: another clinical trial ended on %(end)s, within %(weeks)s weeks "
    "before %(reference)s."
)
_TRIAL_OLDER = gettext_noop(
    "%(criterion)s: the last other clinical trial ended on %(end)s, more than %(weeks)s "
    "weeks before %(reference)s."
)


def _other_trial_participation(
    params: OtherTrialParams, evidence: ScreeningEvidence
) -> RuleOutcome:
    """Taking part in another clinical trial now or within 4 weeks before enrolment
    (clinical-rules.md §1.3 E5)."""
    trials = evidence.other_trials
    if trials is None:
        return _outcome(_unknown(_TRIALS_NONE, "other_trials"))
    if any(trial.ongoing for trial in trials):
        return _outcome(_fact(True, _TRIAL_NOW))
    if not trials:
        return _outcome(_fact(False, _NO_TRIALS))
    reference = evidence.reference_date
    if reference is None:
        return _outcome(_unknown(_REFERENCE_NONE, "reference_date"))
    last = max(trial.end_date for trial in trials if trial.end_date is not None)
    return _outcome(
        _known(
            last >= reference - timedelta(weeks=params.weeks),
            _TRIAL_RECENT,
            _TRIAL_OLDER,
            end=last.isoformat(),
            weeks=params.weeks,
            reference=reference.isoformat(),
        )
    )


# ---------------------------------------------------------------- E6 radiotherapy_unsafe

_RT_UNSAFE = gettext_noop("%(criterion)s: the radiation oncologist judges radiotherapy unsafe.")
_RT_SAFE = gettext_noop("%(criterion)s: the radiation oncologist judges radiotherapy safe.")
_RT_NONE = gettext_noop("%(criterion)s: the radiation oncologist's assessment is not recorded.")


def _radiotherapy_unsafe(params: NoParams, evidence: ScreeningEvidence) -> RuleOutcome:
    """Radiotherapy judged unsafe by the radiation oncologist, e.g. a high risk of
    fistula (clinical-rules.md §1.3 E6)."""
    return _outcome(_flag(evidence, "radiotherapy_unsafe", _RT_UNSAFE, _RT_SAFE, _RT_NONE))


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
