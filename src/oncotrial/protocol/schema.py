"""The typed schema of a protocol file (`protocols/*.toml`).

Owns the shape of the trial as data: identity and version, arms, cohorts,
eligibility criteria, consent documents, allocation, visit and specimen
schedules, endpoints, and the protocol settings that decide the open
questions of clinical-rules.md §9. Every model forbids unknown keys so that a
misspelt key is reported instead of ignored.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

IDENTIFIER = r"^[A-Za-z][A-Za-z0-9_{}+-]*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """A user-facing text in English and Simplified Chinese."""

    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)

    def in_language(self, language: str) -> str:
        return self.zh if language.lower().startswith("zh") else self.en


class Trial(Strict):
    registry_id: str = Field(pattern=r"^NCT\d{8}$")
    acronym: str = Field(min_length=1)
    sponsor: str = Field(min_length=1)
    target_enrolment: int = Field(gt=0)
    short_title: Text
    official_title: Text


class ProtocolVersion(Strict):
    version: str = Field(pattern=r"^\d+(\.\d+)*$")
    effective_date: dt.date


class Arm(Strict):
    id: str = Field(pattern=IDENTIFIER)
    radiotherapy_intent: Literal["consolidation", "salvage"]
    name: Text
    description: Text


class Cohort(Strict):
    id: str = Field(pattern=IDENTIFIER)
    assignment: Literal["random", "participant_choice"]
    name: Text


class Criterion(Strict):
    id: str = Field(pattern=r"^[IE]\d+$")
    kind: Literal["inclusion", "exclusion"]
    rule: str = Field(min_length=1)
    params: dict[str, object] = Field(default_factory=dict)
    text: Text

    @model_validator(mode="after")
    def _prefix_matches_kind(self) -> Criterion:
        expected = "I" if self.kind == "inclusion" else "E"
        if not self.id.startswith(expected):
            raise ValueError(
                f"criterion {self.id} is an {self.kind}: its id must start with {expected}"
            )
        return self


ConsentScope = Literal["tissue", "blood", "urine", "wes", "proteomics", "future_research"]


class ConsentDocument(Strict):
    version: str = Field(min_length=1)
    date: dt.date
    languages: list[Literal["en", "zh"]] = Field(min_length=1)


class Consent(Strict):
    optional: list[ConsentScope]
    documents: list[ConsentDocument] = Field(min_length=1)


class AllocationFactor(Strict):
    id: str = Field(pattern=IDENTIFIER)
    source: Literal["site", "induction_response", "metastatic_organ_count"]
    levels: list[str] | None = None
    weight: float = Field(gt=0)


class Allocation(Strict):
    method: Literal["minimization", "permuted_block"]
    ratio: list[int] = Field(min_length=2)
    minimizer_probability: float = Field(gt=0.5, le=1.0)
    imbalance: Literal["range", "variance"]
    block_sizes: list[int] = Field(min_length=1)
    factors: list[AllocationFactor] = Field(default_factory=list)

    @model_validator(mode="after")
    def _blocks_fit_ratio(self) -> Allocation:
        if any(r <= 0 for r in self.ratio):
            raise ValueError("ratio: every arm's share must be a positive whole number")
        total = sum(self.ratio)
        bad = [b for b in self.block_sizes if b <= 0 or b % total]
        if bad:
            raise ValueError(f"block_sizes: {bad} are not multiples of the ratio total {total}")
        return self


class Repeat(Strict):
    every: int = Field(gt=0)
    count: int = Field(gt=0)
    first_n: int = Field(default=1, ge=0)


Assessment = Literal[
    "tumour_assessment",
    "laboratory",
    "ecog",
    "specimens",
    "systemic_therapy",
    "adverse_events",
    "survival_status",
]


def check_window(window: tuple[int, int]) -> None:
    """A window's lower bound may not exceed its upper bound."""
    if window[0] > window[1]:
        raise ValueError(f"window: lower bound {window[0]} exceeds upper bound {window[1]}")


class Visit(Strict):
    id: str = Field(pattern=IDENTIFIER)
    name: Text
    day: int
    window: tuple[int, int]
    repeat: Repeat | None = None
    assessments: list[Assessment] = Field(default_factory=list)

    @model_validator(mode="after")
    def _window_ordered(self) -> Visit:
        check_window(self.window)
        return self

    @model_validator(mode="after")
    def _repeat_needs_placeholder(self) -> Visit:
        if self.repeat is not None and "{n}" not in self.id:
            raise ValueError(f"visit {self.id} repeats: its id needs a {{n}} placeholder")
        return self

    def occurrences(self) -> list[tuple[str, Text, int]]:
        """(visit id, name, target day) of every occurrence of this visit."""
        if self.repeat is None:
            return [(self.id, self.name, self.day)]
        out = []
        for i in range(self.repeat.count):
            n = self.repeat.first_n + i
            name = Text(
                en=self.name.en.replace("{n}", str(n)), zh=self.name.zh.replace("{n}", str(n))
            )
            out.append((self.id.replace("{n}", str(n)), name, self.day + i * self.repeat.every))
        return out


class Schedule(Strict):
    anchor: Literal["allocation"]
    visits: list[Visit] = Field(min_length=1)


SpecimenType = Literal[
    "ffpe_block",
    "ffpe_slides",
    "fresh_frozen_tissue",
    "whole_blood",
    "plasma",
    "serum",
    "pbmc",
    "urine",
]


class SpecimenCollection(Strict):
    id: str = Field(pattern=IDENTIFIER)
    timepoint: Literal["baseline", "pre_radiotherapy", "post_radiotherapy", "progression"]
    types: list[SpecimenType] = Field(min_length=1)
    consent: ConsentScope
    window: tuple[int, int]

    @model_validator(mode="after")
    def _window_ordered(self) -> SpecimenCollection:
        check_window(self.window)
        return self


class DosedAgent(Strict):
    id: str = Field(pattern=IDENTIFIER)
    basis: Literal["mg_per_m2", "auc", "flat", "mg_per_kg", "sintilimab_weight_band"]
    low: float = Field(gt=0)
    high: float = Field(gt=0)

    @model_validator(mode="after")
    def _range_ordered(self) -> DosedAgent:
        if self.low > self.high:
            raise ValueError(f"agent {self.id}: low {self.low} exceeds high {self.high}")
        return self


class Dosing(Strict):
    tolerance_percent: float = Field(ge=0, le=50)
    agents: list[DosedAgent] = Field(min_length=1)


class Endpoint(Strict):
    id: str = Field(pattern=IDENTIFIER)
    kind: Literal["time_to_event", "proportion", "safety"]
    primary: bool = False
    name: Text


class EligibilitySettings(Strict):
    induction_response_reference: Literal["pre_induction", "enrolment"]
    induction_response_confirmed: bool
    cga_good_result: Literal["investigator_documented_fit"]


class PreferenceSettings(Strict):
    enabled: bool
    orr_confirmation: bool


class RecistSettings(Strict):
    baseline: Literal["enrolment", "pre_induction"]
    nadir: Literal["since_enrolment", "since_pre_induction"]
    irradiated_targets: Literal["keep", "reselect"]
    sd_min_days: int = Field(gt=0)
    confirmation_min_days: int = Field(gt=0)
    confirm_response: bool


class ProgressionSettings(Strict):
    censor_at_salvage_radiotherapy: bool
    censor_at_new_systemic_therapy: bool
    missed_assessments_before_censoring: int = Field(ge=1)
    irecist: bool
    unconfirmed_iupd: Literal["event_at_iupd", "censor"]


class RadiotherapySettings(Strict):
    alpha_beta_tumour: float = Field(gt=0)
    alpha_beta_late: float = Field(gt=0)
    consolidation_start_min_days_after_last_cycle: int = Field(ge=0)
    consolidation_start_max_days_after_last_cycle: int = Field(ge=0)
    pd1_continues_during_radiotherapy: bool

    @model_validator(mode="after")
    def _window_ordered(self) -> RadiotherapySettings:
        if (
            self.consolidation_start_min_days_after_last_cycle
            > self.consolidation_start_max_days_after_last_cycle
        ):
            raise ValueError(
                "consolidation_start_min_days_after_last_cycle exceeds "
                "consolidation_start_max_days_after_last_cycle"
            )
        return self


class SafetySettings(Strict):
    ae_collection_days_after_last_dose: int = Field(gt=0)
    sponsor_notification_hours: int = Field(gt=0)
    susar_fatal_or_life_threatening_days: int = Field(gt=0)
    susar_other_days: int = Field(gt=0)
    susar_follow_up_days: int = Field(gt=0)


class Settings(Strict):
    eligibility: EligibilitySettings
    preference: PreferenceSettings
    recist: RecistSettings
    progression: ProgressionSettings
    radiotherapy: RadiotherapySettings
    safety: SafetySettings


class Protocol(Strict):
    """A whole protocol version, as validated from its file."""

    schema_: Literal[1] = Field(alias="schema")
    trial: Trial
    protocol: ProtocolVersion
    arms: list[Arm] = Field(min_length=2)
    cohorts: list[Cohort] = Field(min_length=1)
    criteria: list[Criterion] = Field(min_length=1)
    consent: Consent
    allocation: Allocation
    schedule: Schedule
    specimens: list[SpecimenCollection] = Field(default_factory=list)
    endpoints: list[Endpoint] = Field(min_length=1)
    dosing: Dosing
    settings: Settings

    @property
    def version(self) -> str:
        return self.protocol.version

    def criterion(self, criterion_id: str) -> Criterion:
        return next(c for c in self.criteria if c.id == criterion_id)

    def arm(self, arm_id: str) -> Arm:
        return next(a for a in self.arms if a.id == arm_id)

    @property
    def primary_endpoint(self) -> Endpoint:
        return next(e for e in self.endpoints if e.primary)


def placeholder_free(identifier: str) -> str:
    """An identifier with its `{n}` placeholder removed, for duplicate checks."""
    return re.sub(r"\{n\}", "", identifier)
