"""Screening evidence: everything the eligibility rules read, checked on entry.

This module owns the evidence vocabularies (histology, disease setting, induction
response, other malignancies, prior treatments, serious events), the records for a
serious event and another trial's participation, and `ScreeningEvidence` itself
with its validation, so that a bad value is refused with a message naming the
field rather than judged. It also holds the tables of field kinds the validation
and the laboratory rule (I4) share.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from functools import partial
from typing import Any

from oncotrial.clinical import g8, laboratory
from oncotrial.clinical.dosing import Sex
from oncotrial.clinical.laboratory import Analyte, LabValue
from oncotrial.clinical.performance import ecog as check_ecog
from oncotrial.clinical.staging import MCategory, NCategory, TCategory

Number = int | float | Decimal | Fraction


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
