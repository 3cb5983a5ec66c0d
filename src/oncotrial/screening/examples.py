"""Example screening evidence: a candidate who meets every criterion.

The tests screen their participants with it; it is the
screening form's data (strings, and lists for the multiple-choice answers),
dated from the screening date. Pure, no Django.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


def eligible_evidence(screened: dt.date, ecog: int = 1) -> dict[str, Any]:
    """Screening form data for a candidate who meets every criterion but ECOG."""
    day = screened.isoformat()
    return {
        "assessment_date": day,
        "planned_enrolment_date": (screened + dt.timedelta(days=7)).isoformat(),
        "weight_kg": "62",
        "height_cm": "168",
        "histology": "squamous_cell_carcinoma",
        "histology_method": "histology",
        "histology_date": (screened - dt.timedelta(days=150)).isoformat(),
        "disease_setting": "initial_diagnosis",
        "initial_t": "T3",
        "initial_regional_nodes": "2",
        "distant_metastasis_recorded": "true",
        "metastatic_sites": ["supraclavicular_lymph_node", "liver"],
        "prior_radical_radiotherapy": "false",
        "prior_thoracic_radiotherapy": "false",
        "ecog": str(ecog),
        "g8_food_intake": "no_decrease",
        "g8_weight_loss": "no_weight_loss",
        "g8_mobility": "goes_out",
        "g8_neuropsychological": "no_problems",
        "g8_more_than_3_drugs": "false",
        "g8_self_rated_health": "as_good",
        "lab_date": day,
        "anc": "2.1",
        "anc_unit": "10^9/L",
        "haemoglobin": "118",
        "haemoglobin_unit": "g/L",
        "platelets": "210",
        "platelets_unit": "10^9/L",
        "total_bilirubin": "12",
        "total_bilirubin_uln": "21",
        "total_bilirubin_unit": "µmol/L",
        "alt": "25",
        "alt_uln": "40",
        "alt_unit": "U/L",
        "ast": "30",
        "ast_uln": "40",
        "ast_unit": "U/L",
        "creatinine": "70",
        "creatinine_uln": "104",
        "creatinine_unit": "µmol/L",
        "expected_survival_weeks": "26",
        "induction_regimen": "TP",
        "induction_platinum": "cisplatin",
        "induction_pd1": "camrelizumab",
        "induction_cycles": "3",
        "induction_response": "PR",
        "other_malignancies": ["none"],
        "prior_treatments": ["induction_chemoimmunotherapy"],
        "active_infection": "false",
        "recent_events_answered": "false",
        "chemotherapy_drug_allergy": "false",
        "autoimmune_disease": "false",
        "other_trial": "none",
        "radiotherapy_unsafe": "false",
    }
