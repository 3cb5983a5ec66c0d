"""A synthetic participant's journey through the trial, as plain frozen dataclasses.

This module owns the records the cohort generator produces and everything
downstream reads: screening (with the evidence the eligibility engine
judged and its verdict), consent, allocation, systemic doses, radiotherapy
courses, tumour assessments (the RECIST engine's inputs, the simulated
responses and the engine's results), adverse events, specimens, survival
contacts, dispositions and the simulated outcome. Records hold values only;
the generator's modules fill them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from oncotrial.allocation.decision import AllocationDecision
from oncotrial.clinical.g8 import G8Answers
from oncotrial.clinical.recist import Assessment, ResponseResult
from oncotrial.clinical.recist_lesions import Lesion
from oncotrial.clinical.staging import DistantMetastasis
from oncotrial.protocol.eligibility import ScreeningEvidence


@dataclass(frozen=True)
class Consent:
    """The main consent (None when declined) and the optional uses agreed to."""

    date: dt.date | None
    given: bool
    optional: tuple[str, ...] = ()


@dataclass(frozen=True)
class Induction:
    """First-line chemotherapy with a PD-1 inhibitor, before screening (rules §7)."""

    regimen: str  # TP / PF
    platinum: str  # cisplatin / carboplatin
    pd1: str  # e.g. camrelizumab
    cycles: int
    response: str  # CR / PR / SD / PD against the pre-induction scan


@dataclass(frozen=True)
class CriterionOutcome:
    """One criterion as the eligibility engine judged it."""

    criterion_id: str
    kind: str  # inclusion / exclusion
    status: str  # met / not_met / insufficient


@dataclass(frozen=True)
class Screening:
    """The screening visit and the eligibility verdict of the engine.

    `procedure_dates` are the study procedures after consent (laboratory,
    imaging, geriatric screening); `failed_criteria` and `failure_reasons`
    are the engine's barring criteria and its reasons, in protocol order.
    """

    date: dt.date
    consent: Consent
    evidence: ScreeningEvidence
    procedure_dates: Mapping[str, dt.date]
    eligibility_date: dt.date
    planned_allocation_date: dt.date
    eligible: bool
    criteria: tuple[CriterionOutcome, ...]
    failed_criteria: tuple[str, ...]
    failure_reasons: tuple[str, ...]
    height_cm: float
    weight_kg: float
    g8: G8Answers | None
    induction: Induction
    metastases: tuple[DistantMetastasis, ...]


@dataclass(frozen=True)
class Allocation:
    """How the participant got an arm; `decision` is the allocator's record (randomized only)."""

    date: dt.date
    cohort: str  # randomized / preference
    arm: str
    factor_levels: Mapping[str, str]
    decision: AllocationDecision | None
    sequence: int  # 0, 1, 2 ... in allocation order


@dataclass(frozen=True)
class Dose:
    """One agent given on one cycle day; `dose` is what was given, in `unit`."""

    agent: str
    category: str  # chemotherapy / pd1
    cycle: int  # counting the induction cycles
    date: dt.date
    dose: float
    unit: str  # mg
    planned: float  # the prescription the dose comes from
    planned_unit: str  # mg/m2, mg/m2/day, AUC, mg, mg/kg


@dataclass(frozen=True)
class RadiotherapyTarget:
    location: str  # primary / regional_nodes / <organ of a metastasis>
    total_gy: float  # delivered
    fractions: int  # delivered
    planned_gy: float
    planned_fractions: int


@dataclass(frozen=True)
class RadiotherapyCourse:
    intent: str  # consolidation / salvage
    start: dt.date
    end: dt.date
    targets: tuple[RadiotherapyTarget, ...]
    completed: bool  # False when death, withdrawal or the data cut-off stopped it


@dataclass(frozen=True)
class TumourCourse:
    """Tumour assessments and their responses.

    `assessments[0]` is the enrolment baseline; `lesions` and `assessments`
    are the RECIST engine's inputs. `intended` (RECIST 1.1) and
    `intended_irecist` are the simulated time-point responses of the
    follow-up assessments; `recist` and `irecist` are what the engines
    concluded from the generated measurements, and the records use those.
    A participant with no disease left at enrolment (complete response to
    induction) has no lesions: the engines refuse such a baseline, so both
    results are None and recurrence shows as a new lesion only.
    """

    lesions: tuple[Lesion, ...]
    assessments: tuple[Assessment, ...]
    visits: tuple[str, ...]
    intended: tuple[str, ...]
    intended_irecist: tuple[str, ...]
    intended_progression_date: dt.date | None
    progression_mode: str | None  # target / new_lesion / non_target
    recist: ResponseResult | None
    irecist: ResponseResult | None


@dataclass(frozen=True)
class AdverseEvent:
    """One CTCAE v5.0 term at its worst grade; `end` None while ongoing at the last contact.

    `attribution` maps radiotherapy / chemotherapy / pd1 to unrelated ...
    definite, or "" when that treatment had not been given before onset.
    """

    term: str
    soc: str
    grade: int
    start: dt.date
    end: dt.date | None
    seriousness: tuple[str, ...]  # ICH E2A criteria met
    serious: bool
    attribution: Mapping[str, str]
    immune: bool
    causes: tuple[str, ...]  # exposures that caused it: chemotherapy / pd1 / radiotherapy


@dataclass(frozen=True)
class Specimen:
    id: str
    collection: str  # the protocol's [[specimens]] id
    timepoint: str  # baseline / pre_radiotherapy / post_radiotherapy / progression
    type: str
    date: dt.date


@dataclass(frozen=True)
class SurvivalContact:
    date: dt.date
    status: str  # ALIVE / DEAD
    visit: str  # FU<n> / DEATH / CUTOFF


@dataclass(frozen=True)
class Disposition:
    code: str  # SCREEN_FAILURE, ALLOCATED, TREATED, COMPLETED, WITHDRAWN, LOST_TO_FOLLOW_UP, DEATH
    term: str
    date: dt.date


@dataclass(frozen=True)
class Outcome:
    """The simulated event times and what was observed of them.

    Latent times are in days from allocation; `progression_latent_days` is
    None when the PFS event is a death. `end_of_observation` is the earliest
    of death, dropout and the data cut-off.
    """

    pfs_latent_days: float
    progression_latent_days: float | None
    death_latent_days: float
    dropout_latent_days: float
    death_date: dt.date | None
    death_cause: str
    dropout_date: dt.date | None
    dropout_kind: str | None  # WITHDRAWN / LOST_TO_FOLLOW_UP
    end_of_observation: dt.date
    last_contact: dt.date


@dataclass(frozen=True)
class Journey:
    """One screened candidate; the parts after screening are filled only when allocated."""

    usubjid: str
    site: str
    sex: str  # F / M
    date_of_birth: dt.date
    screening: Screening
    allocation: Allocation | None = None
    doses: tuple[Dose, ...] = ()
    radiotherapy: tuple[RadiotherapyCourse, ...] = ()
    tumour: TumourCourse | None = None
    adverse_events: tuple[AdverseEvent, ...] = ()
    specimens: tuple[Specimen, ...] = ()
    survival_contacts: tuple[SurvivalContact, ...] = ()
    dispositions: tuple[Disposition, ...] = ()
    outcome: Outcome | None = None

    @property
    def allocated(self) -> bool:
        return self.allocation is not None

    @property
    def arm(self) -> str:
        return "" if self.allocation is None else self.allocation.arm

    @property
    def cohort(self) -> str:
        return "" if self.allocation is None else self.allocation.cohort
