"""From recorded screening values to the engine's `ScreeningEvidence`.

The same function serves the stored record and the unsaved form the
coordinator is typing into, so the status shown while typing is exactly the
one the stored record gets. Derived values (N category, stage group, G8 score)
are computed here by the pure core and shown beside the evidence.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from oncotrial.clinical import g8, staging
from oncotrial.clinical.laboratory import LabValue
from oncotrial.protocol.eligibility import (
    PriorTreatment,
    ScreeningEvidence,
    SeriousEvent,
    TrialParticipation,
    age_in_years,
)

LABS = ["anc", "haemoglobin", "platelets", "total_bilirubin", "alt", "ast", "creatinine"]
ULNS = {
    "total_bilirubin": "bilirubin_uln",
    "alt": "alt_uln",
    "ast": "ast_uln",
    "creatinine": "creatinine_uln",
}
SERIOUS_EVENT_DATES = {
    "myocardial_infarction_date": "myocardial_infarction",
    "cerebrovascular_accident_date": "cerebrovascular_accident",
    "gastrointestinal_surgery_date": "gastrointestinal_surgery",
    "neurological_surgery_date": "neurological_surgery",
    "cardiopulmonary_surgery_date": "cardiopulmonary_surgery",
}
# Evidence the engine may ask for -> the screening field a person fills in.
EVIDENCE_FIELDS = {
    "initial_t": "initial_t",
    "initial_n": "initial_regional_nodes",
    "initial_m": "distant_metastasis_recorded",
    "bilirubin_uln": "total_bilirubin_uln",
    "serious_events": "recent_events_answered",
    "other_trials": "other_trial",
    "reference_date": "planned_enrolment_date",
    "g8_score": "g8_food_intake",
    "informed_consent": "consent",
}


@dataclass(frozen=True)
class Derived:
    """Values computed from the evidence, shown to the person entering it."""

    age: int | None
    n_category: str | None
    m_category: str | None
    stage_group: str | None
    metastatic_organs: int | None
    bmi: Fraction | None
    g8: Fraction | None


def _blank(value: Any) -> bool:
    # An empty list is an answer ("none"), not a blank.
    return value is None or value == ""


def _g8(values: Mapping[str, Any], age: int | None, bmi: Fraction | None) -> Fraction | None:
    items = [
        "g8_food_intake",
        "g8_weight_loss",
        "g8_mobility",
        "g8_neuropsychological",
        "g8_more_than_3_drugs",
        "g8_self_rated_health",
    ]
    if age is None or bmi is None or any(_blank(values.get(i)) for i in items):
        return None
    answers = g8.G8Answers(
        food_intake=g8.FoodIntake(values["g8_food_intake"]),
        weight_loss=g8.WeightLoss(values["g8_weight_loss"]),
        mobility=g8.Mobility(values["g8_mobility"]),
        neuropsychological=g8.Neuropsychological(values["g8_neuropsychological"]),
        bmi=bmi,
        takes_more_than_3_drugs=bool(values["g8_more_than_3_drugs"]),
        self_rated_health=g8.SelfRatedHealth(values["g8_self_rated_health"]),
        age_years=age,
    )
    return g8.g8_score(answers).score


def build(
    values: Mapping[str, Any],
    *,
    date_of_birth: dt.date,
    sex: str,
    screening_date: dt.date,
    consented: bool | None,
) -> tuple[ScreeningEvidence, Derived]:
    """The evidence and derived values from screening `values` (field -> value)."""
    v = {k: (None if _blank(x) else x) for k, x in values.items()}
    age = age_in_years(date_of_birth, screening_date)
    bmi = None
    if v.get("weight_kg") and v.get("height_cm"):
        bmi = g8.body_mass_index(Fraction(str(v["weight_kg"])), Fraction(str(v["height_cm"])))

    n_category = None
    if v.get("initial_regional_nodes") is not None:
        n_category = staging.n_category_from_node_count(int(v["initial_regional_nodes"]))
    metastases = None
    if v.get("distant_metastasis_recorded") is not None:
        sites = v.get("metastatic_sites") or [] if v["distant_metastasis_recorded"] else []
        metastases = [staging.DistantMetastasis(staging.MetastasisSite(s)) for s in sites]
    m_category = staging.m_category(metastases) if metastases is not None else None
    stage = None
    if v.get("initial_t") and n_category and m_category:
        stage = staging.clinical_stage_group(v["initial_t"], n_category, m_category)

    labs: dict[str, LabValue | None] = {}
    for name in LABS:
        value = v.get(name)
        unit = values.get(f"{name}_unit") or ""
        labs[name] = LabValue(Decimal(value), unit) if value is not None and unit else None
        if name in ULNS:
            uln = v.get(f"{name}_uln")
            labs[ULNS[name]] = LabValue(Decimal(uln), unit) if uln is not None and unit else None

    serious_events = None
    if v.get("recent_events_answered") is False:
        serious_events = ()
    elif v.get("recent_events_answered") is True:
        serious_events = tuple(
            SeriousEvent(kind, v[field])
            for field, kind in SERIOUS_EVENT_DATES.items()
            if v.get(field) is not None
        )

    other_trials = None
    if v.get("other_trial") == "none":
        other_trials = ()
    elif v.get("other_trial") == "ongoing":
        other_trials = (TrialParticipation(ongoing=True),)
    elif v.get("other_trial") == "ended" and v.get("other_trial_end_date"):
        other_trials = (TrialParticipation(ongoing=False, end_date=v["other_trial_end_date"]),)

    prior = v.get("prior_treatments")
    g8_score = _g8(v, age, bmi)
    evidence = ScreeningEvidence(
        date_of_birth=date_of_birth,
        screening_date=screening_date,
        reference_date=v.get("planned_enrolment_date"),
        sex={"F": "female", "M": "male"}[sex],
        weight_kg=Fraction(str(v["weight_kg"])) if v.get("weight_kg") else None,
        histology=v.get("histology"),
        disease_setting=v.get("disease_setting"),
        initial_t=v.get("initial_t"),
        initial_n=n_category,
        initial_m=m_category,
        prior_radical_radiotherapy=v.get("prior_radical_radiotherapy"),
        prior_thoracic_radiotherapy=v.get("prior_thoracic_radiotherapy"),
        recurrence_in_prior_rt_field=v.get("recurrence_in_prior_rt_field"),
        ecog=v.get("ecog"),
        g8_score=g8_score,
        cga_favourable=v.get("cga_favourable"),
        **labs,
        expected_survival_weeks=v.get("expected_survival_weeks"),
        informed_consent=consented,
        induction_chemoimmunotherapy=(
            bool(v.get("induction_regimen") and v.get("induction_pd1"))
            if v.get("induction_regimen") or v.get("induction_pd1")
            else None
        ),
        induction_cycles=v.get("induction_cycles"),
        induction_response=v.get("induction_response"),
        other_malignancies=tuple(v["other_malignancies"])
        if v.get("other_malignancies") is not None
        else None,
        prior_treatments=tuple(PriorTreatment(p) for p in prior) if prior is not None else None,
        active_infection=v.get("active_infection"),
        serious_events=serious_events,
        chemotherapy_drug_allergy=v.get("chemotherapy_drug_allergy"),
        autoimmune_disease=v.get("autoimmune_disease"),
        other_trials=other_trials,
        radiotherapy_unsafe=v.get("radiotherapy_unsafe"),
    )
    derived = Derived(
        age=age,
        n_category=n_category.value if n_category else None,
        m_category=m_category.value if m_category else None,
        stage_group=stage.value if stage else None,
        metastatic_organs=staging.metastatic_organ_count(metastases)
        if metastases is not None
        else None,
        bmi=bmi,
        g8=g8_score,
    )
    return evidence, derived


def fingerprint(values: Mapping[str, Any]) -> str:
    """SHA-256 of the evidence values, which a signature covers."""
    payload = json.dumps(
        {k: values[k] for k in sorted(values)}, sort_keys=True, default=str, separators=(",", ":")
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
