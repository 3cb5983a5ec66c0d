"""Systemic doses, radiotherapy, adverse events, specimens and follow-up of a synthetic cohort.

Doses are recomputed with the platform's dosing module (rules §7.2-§7.4);
schedules and windows come from protocols/eso_rt.toml.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from oncotrial.clinical import dosing
from oncotrial.clinical.laboratory import Analyte, convert
from oncotrial.design.cohort import (
    Cohort,
    Journey,
    default_scenario,
    generate_cohort,
    scenario_from_dict,
)
from oncotrial.design.cohort.scenario import DAYS_PER_MONTH
from oncotrial.protocol.eligibility import DiseaseSetting, age_in_years
from oncotrial.protocol.loader import load_protocol

ROOT = Path(__file__).resolve().parents[2]
PROTOCOL = load_protocol(ROOT / "protocols" / "eso_rt.toml").protocol
SCENARIO = default_scenario()
SCENARIO_FILE = ROOT / "src" / "oncotrial" / "design" / "scenarios" / "eso_rt_default.toml"


@pytest.fixture(scope="module")
def cohort() -> Cohort:
    return generate_cohort(SCENARIO, 150, 13)


def _expected_doses(journey: Journey) -> dict[str, float]:
    screening = journey.screening
    treatment = SCENARIO.treatment
    bsa = dosing.bsa_mosteller(screening.height_cm, screening.weight_kg)
    evidence = screening.evidence
    clearance = dosing.cockcroft_gault(
        age_years=age_in_years(evidence.date_of_birth, evidence.screening_date),  # type: ignore[arg-type]
        weight_kg=screening.weight_kg,
        serum_creatinine_mg_per_dl=float(convert(evidence.creatinine, Analyte.CREATININE, "mg/dL")),  # type: ignore[arg-type]
        sex=evidence.sex,  # type: ignore[arg-type]
    )
    pd1 = treatment.pd1[screening.induction.pd1].dose_mg
    return {
        "paclitaxel": round(treatment.paclitaxel_mg_per_m2 * bsa),
        "fluorouracil": round(
            treatment.fluorouracil_mg_per_m2_per_day * bsa * treatment.fluorouracil_days
        ),
        "cisplatin": round(treatment.cisplatin_mg_per_m2 * bsa),
        "carboplatin": round(
            dosing.carboplatin_dose_calvert(
                target_auc=treatment.carboplatin_auc, gfr_ml_per_min=float(clearance)
            )
        ),
        screening.induction.pd1: round(
            dosing.sintilimab_dose_mg(screening.weight_kg) if pd1 == "weight_banded" else pd1
        ),
    }


def test_doses_come_from_body_surface_area_calvert_and_weight_bands(cohort: Cohort) -> None:
    checked = set()
    for journey in cohort.participants:
        expected = _expected_doses(journey)
        induction = journey.screening.induction
        agents = {
            ("paclitaxel" if induction.regimen == "TP" else "fluorouracil"),
            induction.platinum,
            induction.pd1,
        }
        for dose in journey.doses:
            assert dose.agent in agents
            assert dose.dose == expected[dose.agent], (journey.usubjid, dose.agent)
            assert dose.unit == "mg"
            checked.add(dose.agent)
    assert {"paclitaxel", "fluorouracil", "cisplatin", "carboplatin", "sintilimab"} <= checked


def test_cycles_follow_the_protocol_schedule(cohort: Cohort) -> None:
    visits = [
        (day, window)
        for visit in PROTOCOL.schedule.visits
        if "systemic_therapy" in visit.assessments
        for _, _, day in visit.occurrences()
        for window in [visit.window]
    ]
    total = SCENARIO.treatment.total_chemotherapy_cycles
    for journey in cohort.participants:
        allocation = journey.allocation
        assert allocation is not None
        induction = journey.screening.induction.cycles
        cycles = sorted({(d.cycle, d.date) for d in journey.doses})
        for position, (cycle, day) in enumerate(cycles):
            if position < len(visits):
                target, (low, high) = visits[position]
                offset = (day - allocation.date).days - target
                assert low <= offset <= high, (journey.usubjid, cycle)
        chemo_cycles = sorted({d.cycle for d in journey.doses if d.category == "chemotherapy"})
        assert chemo_cycles == list(range(induction + 1, induction + 1 + len(chemo_cycles)))
        assert all(cycle <= total for cycle in chemo_cycles)
        # PD-1 at most its maximum duration from the first induction cycle (rules §7.2)
        first_induction = allocation.date - dt.timedelta(days=21 * induction)
        limit = first_induction + dt.timedelta(
            days=SCENARIO.treatment.pd1_max_months * DAYS_PER_MONTH
        )
        assert all(d.date <= limit for d in journey.doses if d.category == "pd1")


def test_pd1_stops_after_an_immune_event_that_requires_it() -> None:
    """rules §4.4: with colitis made common and always grade 4, PD-1 stops at its onset."""
    raw = tomllib.loads(SCENARIO_FILE.read_text(encoding="utf-8"))
    for spec in raw["safety"]["events"]:
        if spec["term"] == "Colitis":
            spec.update(incidence=0.6, grades=[0.0, 0.0, 0.0, 1.0, 0.0])
    cohort = generate_cohort(scenario_from_dict(raw), 60, 5)
    stopped = 0
    for journey in cohort.participants:
        colitis = [e for e in journey.adverse_events if e.term == "Colitis"]
        if not colitis:
            continue
        stopped += 1
        assert colitis[0].grade == 4 and colitis[0].serious
        pd1 = [d.date for d in journey.doses if d.category == "pd1"]
        assert pd1 and max(pd1) <= colitis[0].start, journey.usubjid
    assert stopped > 10


def test_radiotherapy_courses(cohort: Cohort) -> None:
    consolidated = 0
    for journey in cohort.participants:
        for course in journey.radiotherapy:
            if course.intent == "consolidation":
                consolidated += 1
                assert journey.arm == "consolidation"
                locations = [t.location for t in course.targets]
                if journey.screening.evidence.disease_setting is DiseaseSetting.INITIAL_DIAGNOSIS:
                    assert locations[0] == "primary"
            for target in course.targets:
                per_fraction = target.planned_gy / target.planned_fractions
                assert target.total_gy == pytest.approx(per_fraction * target.fractions)
            assert course.start.weekday() < 5 and course.end.weekday() < 5
    assert consolidated > 30


def test_adverse_events_within_the_collection_window(cohort: Cohort) -> None:
    window = dt.timedelta(days=PROTOCOL.settings.safety.ae_collection_days_after_last_dose)
    for journey in cohort.participants:
        doses = [d.date for d in journey.doses] + [c.end for c in journey.radiotherapy]
        for event in journey.adverse_events:
            assert doses and event.start <= max(doses) + window
            assert (event.grade >= 4) <= event.serious


def test_specimens_only_with_consent_at_protocol_time_points(cohort: Cohort) -> None:
    collections = {c.id: c for c in PROTOCOL.specimens}
    ids = [s.id for j in cohort.journeys for s in j.specimens]
    assert len(ids) == len(set(ids)) > 0
    for journey in cohort.participants:
        for specimen in journey.specimens:
            collection = collections[specimen.collection]
            assert collection.consent in journey.screening.consent.optional
            assert specimen.type in collection.types
            assert specimen.timepoint == collection.timepoint
            if specimen.timepoint == "pre_radiotherapy":
                assert specimen.date <= journey.radiotherapy[0].start
            if specimen.timepoint == "post_radiotherapy":
                assert specimen.date > journey.radiotherapy[0].end
    table = cohort.specimens()
    assert list(table.columns) == [
        "SPECID",
        "USUBJID",
        "COLLECTION",
        "TIMEPOINT",
        "SPECTYPE",
        "SPECDT",
    ]
    assert len(table) == len(ids)


def test_survival_contacts_and_dispositions(cohort: Cohort) -> None:
    cutoff = SCENARIO.calendar.data_cutoff
    for journey in cohort.participants:
        outcome = journey.outcome
        assert outcome is not None
        codes = [d.code for d in journey.dispositions]
        assert codes[0] == "ALLOCATED"
        last = codes[-1]
        if outcome.death_date is not None:
            assert last == "DEATH" and journey.survival_contacts[-1].status == "DEAD"
        elif outcome.dropout_date is not None:
            assert last == outcome.dropout_kind
        else:
            assert last == "COMPLETED"
            assert journey.survival_contacts[-1].date == cutoff
        assert ("TREATED" in codes) == bool(journey.doses)
        for contact in journey.survival_contacts:
            if contact.visit.startswith("FU"):
                assert contact.status == "ALIVE"
