"""The cohort scenario: every assumption of a synthetic cohort, as typed, checked models.

This module owns the shape of a scenario file (TOML, `scenarios/*.toml`):
calendar and sites, cohort shares, demographics, the screening evidence
rates, consent, disease, systemic therapy, radiotherapy, tumour response,
survival, adverse events and specimens, with the rules each value obeys.
Every model forbids unknown keys. CTCAE terms and grades are checked with
`oncotrial.clinical.ctcae` and laboratory units with
`oncotrial.clinical.laboratory`, so a scenario cannot name a term, grade or
unit the platform does not know. Reading files and reporting problems by
key path is `scenario_file`'s job.

The default scenario, `scenarios/eso_rt_default.toml`, cites the source of
each value in its comments.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from oncotrial.clinical import ctcae
from oncotrial.clinical.g8 import FoodIntake, Mobility, Neuropsychological, SelfRatedHealth
from oncotrial.clinical.g8 import WeightLoss as G8WeightLoss
from oncotrial.clinical.laboratory import Analyte, LabValue, check
from oncotrial.clinical.staging import NCategory, TCategory

REPOSITORY_ROOT = Path(__file__).resolve().parents[4]
_TOLERANCE = 1e-6


# ---------------------------------------------------------------- building blocks


def _shares(values: dict[str, float]) -> dict[str, float]:
    if not values:
        raise ValueError("at least one category is needed")
    total = sum(values.values())
    if not math.isclose(total, 1.0, abs_tol=_TOLERANCE):
        raise ValueError(f"shares must sum to 1, they sum to {total:g}")
    return values


Probability = Annotated[float, Field(ge=0, le=1)]
Shares = Annotated[dict[str, Annotated[float, Field(ge=0, le=1)]], AfterValidator(_shares)]


def _keys(values: Mapping[str, float], allowed: Sequence[str], name: str) -> None:
    unknown = [key for key in values if key not in allowed]
    if unknown:
        raise ValueError(
            f"{name}: unknown categories {unknown}; expected some of {', '.join(allowed)}"
        )


def _whole_keys(values: Mapping[str, float], name: str, low: int = 0) -> None:
    bad = [key for key in values if not key.isdigit() or int(key) < low]
    if bad:
        raise ValueError(f"{name}: categories must be whole numbers {low} or more, got {bad}")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DayRange(Strict):
    """Whole days (or millimetres), both bounds inclusive."""

    min: int = Field(ge=0)
    max: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> DayRange:
        if self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        return self


class Normal(Strict):
    """A normal distribution truncated to [min, max]."""

    mean: float
    sd: float = Field(gt=0)
    min: float
    max: float

    @model_validator(mode="after")
    def _ordered(self) -> Normal:
        if not self.min <= self.mean <= self.max:
            raise ValueError(f"mean {self.mean} must lie within min {self.min} and max {self.max}")
        return self


# ---------------------------------------------------------------- sections


class Meta(Strict):
    name: str = Field(min_length=1)
    description: str = ""
    protocol: str = Field(min_length=1)  # a path, relative to the repository root


class Calendar(Strict):
    study_start: dt.date
    accrual_months: float = Field(gt=0)
    data_cutoff: dt.date

    @model_validator(mode="after")
    def _cutoff_after_accrual(self) -> Calendar:
        accrual_end = self.study_start + dt.timedelta(days=self.accrual_days)
        if self.data_cutoff <= accrual_end:
            raise ValueError(
                f"data_cutoff {self.data_cutoff} must be after the end of accrual {accrual_end}"
            )
        return self

    @property
    def accrual_days(self) -> int:
        return round(self.accrual_months * DAYS_PER_MONTH)


DAYS_PER_MONTH = 365.25 / 12


class Site(Strict):
    code: str = Field(pattern=r"^[A-Z0-9]{2,8}$")
    name: str = Field(min_length=1)
    share: Probability


class Cohorts(Strict):
    randomized_share: Probability
    preference_consolidation_share: Probability


class Demographics(Strict):
    male_share: Probability
    age_years: Normal
    height_cm_male: Normal
    height_cm_female: Normal
    weight_kg_male: Normal
    weight_kg_female: Normal


class G8Answers(Strict):
    food_intake: Shares
    weight_loss: Shares
    mobility: Shares
    neuropsychological: Shares
    more_than_3_drugs: Probability
    self_rated_health: Shares

    @model_validator(mode="after")
    def _answers(self) -> G8Answers:
        for name, kind in (
            ("food_intake", FoodIntake),
            ("weight_loss", G8WeightLoss),
            ("mobility", Mobility),
            ("neuropsychological", Neuropsychological),
            ("self_rated_health", SelfRatedHealth),
        ):
            _keys(getattr(self, name), [member.value for member in kind], name)
        return self


class LabDistribution(Strict):
    """A log-normal laboratory result, rounded to `decimals`, with the site's ULN."""

    median: float = Field(gt=0)
    log_sd: float = Field(gt=0)
    unit: str
    decimals: int = Field(ge=0, le=3)
    uln: float | None = Field(default=None, gt=0)


class Laboratory(Strict):
    anc: LabDistribution
    haemoglobin: LabDistribution
    platelets: LabDistribution
    total_bilirubin: LabDistribution
    alt: LabDistribution
    ast: LabDistribution
    creatinine: LabDistribution

    @model_validator(mode="after")
    def _units_and_limits(self) -> Laboratory:
        for name in type(self).model_fields:
            lab: LabDistribution = getattr(self, name)
            # The laboratory module owns the units; it names the field if one is unknown.
            check(LabValue(lab.median, lab.unit), Analyte(name), field=f"{name}.unit")
            if name in ULN_ANALYTES and lab.uln is None:
                raise ValueError(f"{name}.uln: the site's upper limit of normal is needed")
        return self


ULN_ANALYTES = ("total_bilirubin", "alt", "ast", "creatinine")


class Screening(Strict):
    days_consent_to_allocation: DayRange
    consent_declined: Probability
    histology_not_scc: Probability
    recurrence_share: Probability
    recurrence_after_radiotherapy_share: Probability
    recurrence_in_prior_field: Probability
    initial_m0_share: Probability
    ecog: Shares
    cga_favourable_when_g8_abnormal: Probability
    induction_cycles: Shares
    induction_response: Shares
    short_expected_survival: Probability
    other_malignancy: Probability
    allowed_malignancy: Probability
    ostomy: Probability
    other_prior_treatment: Probability
    active_infection: Probability
    recent_serious_event: Probability
    chemotherapy_allergy: Probability
    autoimmune_disease: Probability
    other_trial: Probability
    radiotherapy_unsafe: Probability
    g8: G8Answers
    laboratory: Laboratory

    @model_validator(mode="after")
    def _categories(self) -> Screening:
        _keys(self.ecog, [str(value) for value in range(6)], "ecog")
        _whole_keys(self.induction_cycles, "induction_cycles", low=1)
        _keys(self.induction_response, ["CR", "PR", "SD", "PD"], "induction_response")
        if self.days_consent_to_allocation.max > 28:
            raise ValueError(
                "days_consent_to_allocation.max: the baseline visit window allows 28 days at most"
            )
        return self


class Consent(Strict):
    optional: dict[str, Probability]


ORGANS = ("lymph_nodes", "liver", "lung", "bone", "adrenal")


class Disease(Strict):
    metastatic_organs: Shares
    organ_weights: dict[str, Annotated[float, Field(ge=0)]]
    supraclavicular_share_of_nodes: Probability
    lesions_per_organ: Shares
    initial_t: Shares
    initial_n: Shares

    @model_validator(mode="after")
    def _categories(self) -> Disease:
        _whole_keys(self.metastatic_organs, "metastatic_organs", low=1)
        too_many = [key for key in self.metastatic_organs if int(key) > len(ORGANS)]
        if too_many:
            raise ValueError(f"metastatic_organs: at most {len(ORGANS)} organs, got {too_many}")
        _keys(self.organ_weights, ORGANS, "organ_weights")
        if sum(self.organ_weights.values()) <= 0:
            raise ValueError("organ_weights: at least one organ needs a weight above 0")
        _whole_keys(self.lesions_per_organ, "lesions_per_organ", low=1)
        _keys(self.initial_t, [member.value for member in TCategory], "initial_t")
        _keys(self.initial_n, [member.value for member in NCategory], "initial_n")
        return self


class PD1Drug(Strict):
    share: Probability
    # a flat dose, or "weight_banded" for sintilimab (dosing.sintilimab_dose_mg)
    dose_mg: float | Literal["weight_banded"]

    @model_validator(mode="after")
    def _positive(self) -> PD1Drug:
        if isinstance(self.dose_mg, float) and self.dose_mg <= 0:
            raise ValueError(f"dose_mg must be above 0, got {self.dose_mg}")
        return self


class Treatment(Strict):
    total_chemotherapy_cycles: int = Field(ge=1, le=12)
    regimen: Shares
    platinum: Shares
    paclitaxel_mg_per_m2: float = Field(gt=0)
    cisplatin_mg_per_m2: float = Field(gt=0)
    fluorouracil_mg_per_m2_per_day: float = Field(gt=0)
    fluorouracil_days: int = Field(ge=1, le=14)
    carboplatin_auc: float = Field(gt=0)
    gfr_cap_ml_per_min: float = Field(gt=0)
    pd1_max_months: float = Field(gt=0)
    pd1: dict[str, PD1Drug]

    @model_validator(mode="after")
    def _categories(self) -> Treatment:
        _keys(self.regimen, ["TP", "PF"], "regimen")
        _keys(self.platinum, ["cisplatin", "carboplatin"], "platinum")
        if not self.pd1:
            raise ValueError("pd1: at least one PD-1 inhibitor is needed")
        _shares({name: drug.share for name, drug in self.pd1.items()})
        banded = [n for n, d in self.pd1.items() if d.dose_mg == "weight_banded"]
        if any(name != "sintilimab" for name in banded):
            raise ValueError("pd1: only sintilimab has a weight-banded dose (rules §7.2)")
        return self


class Prescription(Strict):
    total_gy: float = Field(gt=0, le=80)
    fractions: int = Field(ge=1, le=40)
    share: Probability


def _prescription_shares(items: list[Prescription]) -> list[Prescription]:
    if not items:
        raise ValueError("at least one prescription is needed")
    _shares({str(i): item.share for i, item in enumerate(items)})
    return items


Prescriptions = Annotated[list[Prescription], AfterValidator(_prescription_shares)]


class Radiotherapy(Strict):
    consolidation_delivered_share: Probability
    consolidation_start_days_after_last_cycle: DayRange
    irradiate_oligometastases: bool
    salvage_recommendation_share: Probability
    salvage_start_days_after_progression: DayRange
    consolidation_primary: Prescriptions
    consolidation_metastases: Prescriptions
    salvage: Prescriptions


class Tumour(Strict):
    late_assessment_interval_days: int = Field(ge=14, le=365)
    missed_assessment_share: Probability
    unevaluable_assessment_share: Probability
    primary_target_share: Probability
    node_short_axis_mm: DayRange
    lesion_diameter_mm: DayRange
    primary_diameter_mm: DayRange
    equivocal_new_lesion_share: Probability
    confirmation_scan_share: Probability
    confirmation_days_after_progression: DayRange
    progression_mode: Shares
    best_response: dict[str, Shares]

    @model_validator(mode="after")
    def _categories(self) -> Tumour:
        _keys(self.progression_mode, ["target", "new_lesion", "non_target"], "progression_mode")
        for arm, shares in self.best_response.items():
            _keys(shares, ["CR", "PR", "SD"], f"best_response.{arm}")
        # RECIST measurability (rules §2.1): target nodes from 15 mm, other lesions from 10 mm.
        if self.node_short_axis_mm.min < 15:
            raise ValueError("node_short_axis_mm.min: a target node needs 15 mm (rules §2.1)")
        for name in ("lesion_diameter_mm", "primary_diameter_mm"):
            if getattr(self, name).min < 10:
                raise ValueError(f"{name}.min: a target lesion needs 10 mm (rules §2.1)")
        window = self.confirmation_days_after_progression
        if window.min < 28 or window.max > 56:
            raise ValueError(
                "confirmation_days_after_progression: iRECIST confirms 4 to 8 weeks "
                "(28 to 56 days) after iUPD (rules §3.1)"
            )
        return self


class Survival(Strict):
    pfs_median_months: float = Field(gt=0)
    pfs_hazard_ratio: float = Field(gt=0)
    death_without_progression_share: Probability
    post_progression_median_months: float = Field(gt=0)
    dropout_per_year: float = Field(ge=0, lt=1)
    withdrawal_share_of_dropout: Probability


Exposure = Literal["chemotherapy", "pd1", "radiotherapy"]


class AdverseEventSpec(Strict):
    """One CTCAE term caused by one treatment, at a rate among the exposed."""

    term: str = Field(min_length=1)
    exposure: Exposure
    regimens: list[Literal["TP", "PF"]] | None = None
    immune: bool = False
    incidence: Probability
    grades: list[Probability] = Field(min_length=5, max_length=5)
    tail_days: int = Field(ge=0, le=365)
    duration_median_days: float = Field(gt=0)
    discontinues_pd1_from_grade: int | None = Field(default=None, ge=1, le=5)
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _ctcae(self) -> AdverseEventSpec:
        _shares({str(grade): share for grade, share in enumerate(self.grades, start=1)})
        try:
            term = ctcae.get_term(self.term)
        except ctcae.UnknownTermError as error:
            raise ValueError(f"term: {error}") from None
        if term.name != self.term:
            raise ValueError(f"term: write the CTCAE v5.0 name exactly, {term.name!r}")
        undefined = [
            grade
            for grade, share in enumerate(self.grades, start=1)
            if share > 0 and grade not in term.allowed_grades
        ]
        if undefined:
            allowed = ", ".join(str(grade) for grade in term.allowed_grades)
            raise ValueError(
                f"grades: CTCAE v5.0 does not define grade(s) {undefined} for {term.name} "
                f"(allowed: {allowed})"
            )
        return self


class Safety(Strict):
    hospitalisation_share_grade_2: Probability
    hospitalisation_share_grade_3: Probability
    grade_5_days_to_death: DayRange
    attribution: Shares
    events: list[AdverseEventSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _attribution(self) -> Safety:
        _keys(self.attribution, ["possible", "probable", "definite"], "attribution")
        return self


class Specimens(Strict):
    collected_share: Probability
    pre_radiotherapy_days_before: DayRange
    post_radiotherapy_days_after: DayRange
    progression_days_after: DayRange


class Scenario(Strict):
    """A whole scenario, as validated from its file."""

    schema_: Literal[1] = Field(alias="schema")
    scenario: Meta
    calendar: Calendar
    sites: list[Site] = Field(min_length=1)
    cohorts: Cohorts
    demographics: Demographics
    screening: Screening
    consent: Consent
    disease: Disease
    treatment: Treatment
    radiotherapy: Radiotherapy
    tumour: Tumour
    survival: Survival
    safety: Safety
    specimens: Specimens

    @model_validator(mode="after")
    def _sites(self) -> Scenario:
        codes = [site.code for site in self.sites]
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            raise ValueError(f"sites: duplicate codes {duplicates}")
        _shares({site.code: site.share for site in self.sites})
        return self

    @property
    def name(self) -> str:
        return self.scenario.name

    def protocol_path(self) -> Path:
        """The protocol file; a relative path is taken from the repository root."""
        path = Path(self.scenario.protocol)
        return path if path.is_absolute() else REPOSITORY_ROOT / path
