"""Systemic therapy after allocation: the remaining chemotherapy cycles and the PD-1 inhibitor.

This module owns the dosing calendar and the doses. Chemotherapy continues
the induction regimen (TP or PF with cisplatin or carboplatin, rules §7.1)
until the scenario's total number of cycles, on the protocol's systemic
therapy visits (C<n>D1, q3w, within their windows); the PD-1 inhibitor is
given with each chemotherapy cycle and then every cycle interval as
maintenance, up to its maximum duration counted from the first induction
cycle (rules §7.2). Treatment stops at progression and at the end of
observation.

Doses come from the platform's dosing module (rules §7.4): body surface
area by Mosteller, carboplatin by Calvert with the Cockcroft-Gault
clearance (capped GFR), sintilimab by weight band. Laboratory units are
converted by `oncotrial.clinical.laboratory`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from oncotrial.clinical import dosing
from oncotrial.clinical.laboratory import Analyte, convert
from oncotrial.design.cohort.calendar import ScheduledVisit, repeat_interval, scheduled_visits
from oncotrial.design.cohort.journeys import Dose, Screening
from oncotrial.design.cohort.scenario import DAYS_PER_MONTH, Scenario
from oncotrial.protocol.eligibility import age_in_years
from oncotrial.protocol.schema import Protocol

CHEMOTHERAPY = "chemotherapy"
PD1 = "pd1"


@dataclass(frozen=True)
class Prescription:
    """One agent's dose for every cycle: the amount in mg and what it was computed from."""

    agent: str
    category: str
    dose_mg: float
    planned: float
    planned_unit: str


def prescriptions(
    scenario: Scenario, screening: Screening
) -> tuple[list[Prescription], Prescription]:
    """(chemotherapy agents, PD-1 inhibitor) for the participant's regimen and body size."""
    treatment = scenario.treatment
    induction = screening.induction
    bsa = dosing.bsa_mosteller(screening.height_cm, screening.weight_kg)
    chemo: list[Prescription] = []
    if induction.regimen == "TP":
        chemo.append(
            Prescription(
                "paclitaxel",
                CHEMOTHERAPY,
                _mg(treatment.paclitaxel_mg_per_m2 * bsa),
                treatment.paclitaxel_mg_per_m2,
                "mg/m2",
            )
        )
    else:
        per_day = treatment.fluorouracil_mg_per_m2_per_day
        chemo.append(
            Prescription(
                "fluorouracil",
                CHEMOTHERAPY,
                _mg(per_day * bsa * treatment.fluorouracil_days),
                per_day,
                "mg/m2/day",
            )
        )
    if induction.platinum == "carboplatin":
        chemo.append(
            Prescription(
                "carboplatin",
                CHEMOTHERAPY,
                _mg(
                    dosing.carboplatin_dose_calvert(
                        target_auc=treatment.carboplatin_auc,
                        gfr_ml_per_min=float(creatinine_clearance(screening)),
                        gfr_cap_ml_per_min=treatment.gfr_cap_ml_per_min,
                    )
                ),
                treatment.carboplatin_auc,
                "AUC",
            )
        )
    else:
        chemo.append(
            Prescription(
                "cisplatin",
                CHEMOTHERAPY,
                _mg(treatment.cisplatin_mg_per_m2 * bsa),
                treatment.cisplatin_mg_per_m2,
                "mg/m2",
            )
        )
    drug = treatment.pd1[induction.pd1]
    if drug.dose_mg == "weight_banded":
        dose = float(dosing.sintilimab_dose_mg(screening.weight_kg))
        # The flat dose is what any heavy patient gets; below the band it is per kg.
        flat = float(dosing.sintilimab_dose_mg(1000))
        per_kg = round(dose / screening.weight_kg, 2)
        planned, unit = (flat, "mg") if dose == flat else (per_kg, "mg/kg")
    else:
        dose, planned, unit = float(drug.dose_mg), float(drug.dose_mg), "mg"
    return chemo, Prescription(induction.pd1, PD1, _mg(dose), planned, unit)


def creatinine_clearance(screening: Screening) -> float:
    """Cockcroft-Gault clearance in mL/min from the screening evidence (rules §7.4)."""
    evidence = screening.evidence
    assert evidence.creatinine is not None and evidence.sex is not None
    assert evidence.date_of_birth is not None and evidence.screening_date is not None
    return float(
        dosing.cockcroft_gault(
            age_years=age_in_years(evidence.date_of_birth, evidence.screening_date),
            weight_kg=screening.weight_kg,
            serum_creatinine_mg_per_dl=float(
                convert(evidence.creatinine, Analyte.CREATININE, "mg/dL")
            ),
            sex=evidence.sex,
        )
    )


def _mg(value: float) -> float:
    return float(round(value))


@dataclass(frozen=True)
class CycleSchedule:
    """The protocol's systemic therapy visits and the cycle interval after them."""

    visits: tuple[ScheduledVisit, ...]
    interval: int

    @classmethod
    def of(cls, protocol: Protocol) -> CycleSchedule:
        return cls(
            scheduled_visits(protocol, "systemic_therapy"),
            repeat_interval(protocol, "systemic_therapy", 21),
        )


def systemic_doses(
    rng: np.random.Generator,
    scenario: Scenario,
    schedule: CycleSchedule,
    screening: Screening,
    allocation: dt.date,
    stop: dt.date,
) -> tuple[Dose, ...]:
    """Every dose from allocation until `stop` (progression or end of observation), exclusive."""
    chemo, pd1 = prescriptions(scenario, screening)
    induction_cycles = screening.induction.cycles
    interval, visits = schedule.interval, schedule.visits
    remaining = max(scenario.treatment.total_chemotherapy_cycles - induction_cycles, 0)
    # PD-1 runs up to its maximum from the first induction cycle (rules §7.2).
    first_induction = allocation - dt.timedelta(days=interval * induction_cycles)
    pd1_end = first_induction + dt.timedelta(
        days=round(scenario.treatment.pd1_max_months * DAYS_PER_MONTH)
    )
    doses: list[Dose] = []
    cycle = induction_cycles
    previous = allocation
    day_index = 0
    while True:
        cycle += 1
        if day_index < len(visits):
            visit = visits[day_index]
            low, high = visit.window
            target = allocation + dt.timedelta(days=visit.day)
        else:
            low, high = -3, 3
            target = previous + dt.timedelta(days=interval)
        day = target + dt.timedelta(days=int(rng.integers(low, high + 1)))
        day = max(day, previous + dt.timedelta(days=1))
        day_index += 1
        if day >= stop or day > pd1_end:
            break
        with_chemo = cycle - induction_cycles <= remaining
        agents = (chemo if with_chemo else []) + [pd1]
        doses.extend(
            Dose(p.agent, p.category, cycle, day, p.dose_mg, "mg", p.planned, p.planned_unit)
            for p in agents
        )
        previous = day
    return tuple(doses)
