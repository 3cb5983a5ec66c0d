"""Screening candidates: who they are, the evidence they bring, and the engine's verdict.

This module owns the synthetic screening visit: a candidate's demographics,
disease (AJCC 8 categories and distant metastases), induction treatment,
laboratory results, performance and geriatric status and history, drawn at
the scenario's rates; the consent asked at that visit; and the screening
evidence built from them. Whether the candidate is eligible, and why not,
is decided only by the platform's eligibility engine
(`oncotrial.protocol.eligibility.evaluate_eligibility`) with the protocol's
criteria: a screen failure's reasons are the engine's.

The G8 score comes from `oncotrial.clinical.g8`, units from
`oncotrial.clinical.laboratory`, stage categories from
`oncotrial.clinical.staging`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from oncotrial.clinical import g8
from oncotrial.clinical.dosing import Sex
from oncotrial.clinical.laboratory import LabValue
from oncotrial.clinical.staging import (
    DistantMetastasis,
    MCategory,
    MetastasisSite,
    NCategory,
    TCategory,
)
from oncotrial.design.cohort.draws import (
    chance,
    days,
    log_normal,
    pick,
    stream,
    truncated_normal,
)
from oncotrial.design.cohort.journeys import Consent, CriterionOutcome, Induction, Screening
from oncotrial.design.cohort.scenario import Disease, LabDistribution, Scenario
from oncotrial.protocol.eligibility import (
    DiseaseSetting,
    EligibilityStatus,
    Histology,
    InductionResponse,
    MalignancyHistory,
    PriorTreatment,
    ScreeningEvidence,
    SeriousEvent,
    SeriousEventKind,
    TrialParticipation,
    add_months,
    age_in_years,
    evaluate_eligibility,
    validate_params,
)
from oncotrial.protocol.schema import Protocol

_GERIATRIC_RULE = "performance_and_geriatric_status"
_ALLOWED_MALIGNANCIES = (
    MalignancyHistory.HYPOPHARYNGEAL_CARCINOMA_IN_SITU,
    MalignancyHistory.NON_MELANOMA_SKIN_CANCER,
    MalignancyHistory.CERVICAL_CARCINOMA_IN_SITU,
)


@dataclass(frozen=True)
class ScreeningContext:
    """What every screening needs from the scenario and the protocol, prepared once.

    `criteria` carry their parameters already validated by the eligibility
    library (`validate_params`), so each evaluation skips that step.
    """

    scenario: Scenario
    criteria: tuple[Mapping[str, Any], ...]
    geriatric_age: int
    g8_normal_above: Decimal


@dataclass(frozen=True)
class Candidate:
    site: str
    sex: str
    date_of_birth: dt.date
    screening: Screening


def screening_context(scenario: Scenario, protocol: Protocol) -> ScreeningContext:
    criteria = tuple(
        {
            "id": criterion.id,
            "kind": criterion.kind,
            "rule": criterion.rule,
            "params": validate_params(criterion.rule, criterion.params, criterion_id=criterion.id),
        }
        for criterion in protocol.criteria
    )
    # G8 is done from the age the protocol's geriatric criterion names (rules §5.1).
    geriatric = next((c for c in criteria if c["rule"] == _GERIATRIC_RULE), None)
    age = getattr(geriatric["params"], "geriatric_age", 65) if geriatric else 65
    cut_off = getattr(geriatric["params"], "g8_normal_above", g8.NORMAL_ABOVE) if geriatric else 14
    return ScreeningContext(scenario, criteria, int(age), Decimal(str(cut_off)))


def screen_candidate(
    seed: int, index: int, context: ScreeningContext, planned_allocation: dt.date
) -> Candidate:
    """Candidate `index`, screened for allocation on `planned_allocation`, and the verdict."""
    scenario = context.scenario
    screening, demographics = scenario.screening, scenario.demographics
    rng = stream(seed, "screening", index)
    site = pick(rng, {site.code: site.share for site in scenario.sites})
    male = chance(rng, demographics.male_share)
    age = round(truncated_normal(rng, demographics.age_years))
    lag = days(rng, screening.days_consent_to_allocation)
    screening_date = planned_allocation - dt.timedelta(days=lag)
    born = _birth_date(rng, screening_date, age)
    age = age_in_years(born, screening_date)  # the engine's age, used for the G8 too
    height = round(
        truncated_normal(
            rng, demographics.height_cm_male if male else demographics.height_cm_female
        )
    )
    weight = round(
        truncated_normal(
            rng, demographics.weight_kg_male if male else demographics.weight_kg_female
        ),
        1,
    )
    declined = chance(rng, screening.consent_declined)
    optional = tuple(
        scope for scope, share in scenario.consent.optional.items() if chance(rng, share)
    )
    procedures = {
        "laboratory": screening_date + dt.timedelta(days=days_within(rng, lag)),
        "imaging": screening_date + dt.timedelta(days=days_within(rng, lag)),
    }
    disease = _disease(rng, scenario)
    induction = Induction(
        regimen=pick(rng, scenario.treatment.regimen),
        platinum=pick(rng, scenario.treatment.platinum),
        pd1=pick(rng, {name: drug.share for name, drug in scenario.treatment.pd1.items()}),
        cycles=int(pick(rng, screening.induction_cycles)),
        response=pick(rng, screening.induction_response),
    )
    g8_answers, g8_score, cga = None, None, None
    if age >= context.geriatric_age:
        g8_answers = _g8_answers(rng, scenario, age, weight, height)
        g8_score = g8.g8_score(g8_answers).score
        procedures["geriatric"] = screening_date
        if not g8.is_normal(g8_score, context.g8_normal_above):
            cga = chance(rng, screening.cga_favourable_when_g8_abnormal)
    sex = Sex.MALE if male else Sex.FEMALE
    common = {
        "date_of_birth": born,
        "screening_date": screening_date,
        "reference_date": planned_allocation,
        "sex": sex,
    }
    if declined:
        evidence = ScreeningEvidence(**common, informed_consent=False)
        procedures = {}
    else:
        evidence = ScreeningEvidence(
            **common,
            weight_kg=Decimal(str(weight)),
            **disease.evidence,
            ecog=int(pick(rng, screening.ecog)),
            g8_score=g8_score,
            cga_favourable=cga,
            **_laboratory(rng, scenario),
            expected_survival_weeks=_expected_survival(rng, scenario),
            informed_consent=True,
            induction_chemoimmunotherapy=True,
            induction_cycles=induction.cycles,
            induction_response=InductionResponse(induction.response),
            **_history(rng, scenario, planned_allocation, screening_date, disease.recurrence),
        )
    latest = max(procedures.values(), default=screening_date)
    spare = (planned_allocation - latest).days
    eligibility_date = latest + dt.timedelta(days=int(rng.integers(0, spare + 1)))
    if declined:
        eligibility_date = screening_date  # nothing to wait for
    result = evaluate_eligibility(context.criteria, evidence)
    if result.status is EligibilityStatus.INCOMPLETE:
        # Generated evidence is always complete; an undecided criterion is a generator bug.
        raise RuntimeError(f"screening evidence left {result.missing} undecided")
    consent = Consent(
        date=None if declined else screening_date,
        given=not declined,
        optional=() if declined else optional,
    )
    record = Screening(
        date=screening_date,
        consent=consent,
        evidence=evidence,
        procedure_dates=procedures,
        eligibility_date=eligibility_date,
        planned_allocation_date=planned_allocation,
        eligible=result.eligible,
        criteria=tuple(
            CriterionOutcome(r.criterion_id, r.kind, r.status.value) for r in result.results
        ),
        failed_criteria=tuple(r.criterion_id for r in result.barring),
        failure_reasons=tuple(" ".join(str(m) for m in r.reasons) for r in result.barring),
        height_cm=float(height),
        weight_kg=float(weight),
        g8=None if declined else g8_answers,
        induction=induction,
        metastases=() if declined else disease.metastases,  # not assessed without consent
    )
    return Candidate(site, "M" if male else "F", born, record)


def days_within(rng: np.random.Generator, lag: int) -> int:
    """A day offset from the screening visit that leaves the allocation day free."""
    return int(rng.integers(0, max(lag, 1)))


def _birth_date(rng: np.random.Generator, on: dt.date, age: int) -> dt.date:
    """A birth date that makes the candidate `age` completed years old on `on`."""
    birthday_this_age = add_months(on, -12 * age)
    return birthday_this_age - dt.timedelta(days=int(rng.integers(0, 365)))


@dataclass(frozen=True)
class _Disease:
    evidence: dict[str, Any]
    metastases: tuple[DistantMetastasis, ...]
    recurrence: bool


def _disease(rng: np.random.Generator, scenario: Scenario) -> _Disease:
    """Diagnosis, stage route (I2), previous radiotherapy (I5) and distant metastases."""
    screening, disease = scenario.screening, scenario.disease
    histology = (
        Histology.ADENOCARCINOMA
        if chance(rng, screening.histology_not_scc)
        else Histology.SQUAMOUS_CELL_CARCINOMA
    )
    t = TCategory(pick(rng, disease.initial_t))
    n = NCategory(pick(rng, disease.initial_n))
    recurrence = chance(rng, screening.recurrence_share)
    if recurrence:
        after_rt = chance(rng, screening.recurrence_after_radiotherapy_share)
        in_field = after_rt and chance(rng, screening.recurrence_in_prior_field)
        evidence = {
            "disease_setting": DiseaseSetting.RECURRENCE_AFTER_RADICAL_TREATMENT,
            "initial_t": t,
            "initial_n": n,
            "initial_m": MCategory.M0,  # radically treated: no distant disease at diagnosis
            "prior_radical_radiotherapy": after_rt,
            "prior_thoracic_radiotherapy": after_rt,
            "recurrence_in_prior_rt_field": in_field,
        }
        metastases = _metastases(rng, disease)
    else:
        m0 = chance(rng, screening.initial_m0_share)
        evidence = {
            "disease_setting": DiseaseSetting.INITIAL_DIAGNOSIS,
            "initial_t": t,
            "initial_n": n,
            "initial_m": MCategory.M0 if m0 else MCategory.M1,
            "prior_radical_radiotherapy": False,
            "prior_thoracic_radiotherapy": False,
        }
        metastases = () if m0 else _metastases(rng, disease)
    return _Disease({"histology": histology, **evidence}, metastases, recurrence)


def _metastases(rng: np.random.Generator, disease: Disease) -> tuple[DistantMetastasis, ...]:
    """Distant disease in k organs (all distant nodes are one organ, rules §6.3)."""
    count = int(pick(rng, disease.metastatic_organs))
    weights = {organ: w for organ, w in disease.organ_weights.items() if w > 0}
    organs: list[str] = []
    while weights and len(organs) < count:
        total = sum(weights.values())
        organ = pick(rng, {name: w / total for name, w in weights.items()})
        organs.append(organ)
        del weights[organ]
    metastases = []
    for organ in organs:
        lesions = int(pick(rng, disease.lesions_per_organ))
        if organ == "lymph_nodes":
            site = (
                MetastasisSite.SUPRACLAVICULAR_LYMPH_NODE
                if chance(rng, disease.supraclavicular_share_of_nodes)
                else MetastasisSite.NON_REGIONAL_LYMPH_NODE
            )
        else:
            site = MetastasisSite(organ)
        metastases.append(DistantMetastasis(site, lesions))
    return tuple(metastases)


def _g8_answers(
    rng: np.random.Generator, scenario: Scenario, age: int, weight: float, height: float
) -> g8.G8Answers:
    answers = scenario.screening.g8
    return g8.G8Answers(
        food_intake=g8.FoodIntake(pick(rng, answers.food_intake)),
        weight_loss=g8.WeightLoss(pick(rng, answers.weight_loss)),
        mobility=g8.Mobility(pick(rng, answers.mobility)),
        neuropsychological=g8.Neuropsychological(pick(rng, answers.neuropsychological)),
        bmi=g8.body_mass_index(Decimal(str(weight)), Decimal(str(height))),
        takes_more_than_3_drugs=chance(rng, answers.more_than_3_drugs),
        self_rated_health=g8.SelfRatedHealth(pick(rng, answers.self_rated_health)),
        age_years=age,
    )


def _lab(rng: np.random.Generator, law: LabDistribution) -> LabValue:
    value = round(log_normal(rng, law.median, law.log_sd), law.decimals)
    return LabValue(Decimal(f"{value:.{law.decimals}f}"), law.unit)


def _uln(law: LabDistribution) -> LabValue:
    assert law.uln is not None  # the scenario requires it for these analytes
    return LabValue(Decimal(str(law.uln)), law.unit)


def _laboratory(rng: np.random.Generator, scenario: Scenario) -> dict[str, LabValue]:
    lab = scenario.screening.laboratory
    return {
        "anc": _lab(rng, lab.anc),
        "haemoglobin": _lab(rng, lab.haemoglobin),
        "platelets": _lab(rng, lab.platelets),
        "total_bilirubin": _lab(rng, lab.total_bilirubin),
        "bilirubin_uln": _uln(lab.total_bilirubin),
        "alt": _lab(rng, lab.alt),
        "alt_uln": _uln(lab.alt),
        "ast": _lab(rng, lab.ast),
        "ast_uln": _uln(lab.ast),
        "creatinine": _lab(rng, lab.creatinine),
        "creatinine_uln": _uln(lab.creatinine),
    }


def _expected_survival(rng: np.random.Generator, scenario: Scenario) -> int:
    """The investigator's estimate in weeks: 6-12 when short (I6 fails), else 16-104."""
    if chance(rng, scenario.screening.short_expected_survival):
        return int(rng.integers(6, 13))
    return int(rng.integers(16, 105))


def _history(
    rng: np.random.Generator,
    scenario: Scenario,
    reference: dt.date,
    taken: dt.date,
    recurrence: bool,
) -> dict[str, Any]:
    """Other cancers, earlier treatment, recent events and other trials (E1-E6).

    `taken` is the screening visit where the history is asked.
    """
    s = scenario.screening
    malignancies: tuple[MalignancyHistory, ...] = ()
    if chance(rng, s.other_malignancy):
        malignancies = (MalignancyHistory.OTHER,)
    elif chance(rng, s.allowed_malignancy):
        malignancies = (_ALLOWED_MALIGNANCIES[int(rng.integers(len(_ALLOWED_MALIGNANCIES)))],)
    treatments = [PriorTreatment.INDUCTION_CHEMOIMMUNOTHERAPY]
    if recurrence:
        treatments.append(PriorTreatment.RADICAL_TREATMENT_BEFORE_RECURRENCE)
    if chance(rng, s.ostomy):
        treatments.append(PriorTreatment.OSTOMY)
    if chance(rng, s.other_prior_treatment):
        treatments.append(
            PriorTreatment.CHEMOTHERAPY if chance(rng, 0.5) else PriorTreatment.OTHER_ANTITUMOUR
        )
    events: tuple[SeriousEvent, ...] = ()
    if chance(rng, s.recent_serious_event):
        kinds = list(SeriousEventKind)
        kind = kinds[int(rng.integers(len(kinds)))]
        events = (SeriousEvent(kind, reference - dt.timedelta(days=int(rng.integers(10, 170)))),)
    trials: tuple[TrialParticipation, ...] = ()
    if chance(rng, s.other_trial):
        if chance(rng, 0.5):
            trials = (TrialParticipation(ongoing=True),)
        else:
            ended = reference - dt.timedelta(days=int(rng.integers(0, 28)))
            # A trial the candidate reports as ended ended by the screening visit
            # (the application refuses an end date after the day it is entered);
            # consent comes at most 28 days before the reference date, so it still
            # ended within the 4-week look-back.
            ended = min(ended, taken)
            trials = (TrialParticipation(ongoing=False, end_date=ended),)
    return {
        "other_malignancies": malignancies,
        "prior_treatments": tuple(treatments),
        "active_infection": chance(rng, s.active_infection),
        "serious_events": events,
        "chemotherapy_drug_allergy": chance(rng, s.chemotherapy_allergy),
        "autoimmune_disease": chance(rng, s.autoimmune_disease),
        "other_trials": trials,
        "radiotherapy_unsafe": chance(rng, s.radiotherapy_unsafe),
    }
