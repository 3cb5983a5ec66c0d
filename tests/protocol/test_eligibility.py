"""Eligibility rules of ESO-RT judged on screening evidence (rules §1.3, §5, §6, §9).

Criteria and their parameters come from protocols/eso_rt.toml, so these tests
check the trial as configured, not a copy of it.
"""

from __future__ import annotations

import tomllib
from dataclasses import fields, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncotrial.clinical.dosing import Sex
from oncotrial.clinical.laboratory import LabValue
from oncotrial.clinical.staging import MCategory, NCategory, TCategory
from oncotrial.protocol.eligibility import (
    RULES,
    CriterionResult,
    CriterionStatus,
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
    evaluate_criterion,
    evaluate_eligibility,
    validate_params,
)

PROTOCOL_FILE = Path(__file__).resolve().parents[2] / "protocols" / "eso_rt.toml"
CRITERIA: list[dict[str, Any]] = tomllib.loads(PROTOCOL_FILE.read_text(encoding="utf-8"))[
    "criteria"
]
BY_ID = {criterion["id"]: criterion for criterion in CRITERIA}
EVIDENCE_FIELDS = {f.name for f in fields(ScreeningEvidence)}

MET, NOT_MET, INSUFFICIENT = (
    CriterionStatus.MET,
    CriterionStatus.NOT_MET,
    CriterionStatus.INSUFFICIENT,
)
SCREENING = date(2024, 3, 1)
REFERENCE = date(2024, 3, 8)

ELIGIBLE = ScreeningEvidence(
    date_of_birth=date(1964, 6, 15),  # 59 at screening: no geriatric screening needed
    screening_date=SCREENING,
    reference_date=REFERENCE,
    sex=Sex.MALE,
    weight_kg=Decimal("65"),
    histology=Histology.SQUAMOUS_CELL_CARCINOMA,
    disease_setting=DiseaseSetting.INITIAL_DIAGNOSIS,
    initial_t=TCategory.T3,
    initial_n=NCategory.N1,
    initial_m=MCategory.M1,
    prior_radical_radiotherapy=False,
    prior_thoracic_radiotherapy=False,
    ecog=1,
    anc=LabValue(Decimal("3.2"), "10^9/L"),
    haemoglobin=LabValue(120, "g/L"),
    platelets=LabValue(210, "10^9/L"),
    total_bilirubin=LabValue(12, "µmol/L"),
    bilirubin_uln=LabValue(21, "µmol/L"),
    alt=LabValue(30, "U/L"),
    alt_uln=LabValue(40, "U/L"),
    ast=LabValue(28, "U/L"),
    ast_uln=LabValue(40, "U/L"),
    creatinine=LabValue(80, "µmol/L"),
    creatinine_uln=LabValue(106, "µmol/L"),
    expected_survival_weeks=26,
    informed_consent=True,
    induction_chemoimmunotherapy=True,
    induction_cycles=3,
    induction_response=InductionResponse.PR,
    other_malignancies=(),
    prior_treatments=(PriorTreatment.INDUCTION_CHEMOIMMUNOTHERAPY,),
    active_infection=False,
    serious_events=(),
    chemotherapy_drug_allergy=False,
    autoimmune_disease=False,
    other_trials=(),
    radiotherapy_unsafe=False,
)


def judge(criterion_id: str, evidence: ScreeningEvidence, **params: Any) -> CriterionResult:
    """Judge a criterion of the protocol file, with parameters overridden if given."""
    criterion = BY_ID[criterion_id]
    return evaluate_criterion(
        criterion_id,
        criterion["kind"],
        criterion["rule"],
        {**criterion["params"], **params},
        evidence,
    )


def with_(**changes: Any) -> ScreeningEvidence:
    return replace(ELIGIBLE, **changes)


def born_years_before(years: int, on: date, days: int = 0) -> date:
    """The date of birth that makes the `years`th birthday fall `days` after `on`."""
    return on.replace(year=on.year - years) + timedelta(days=days)


# ---------------------------------------------------------------- the protocol file


def test_every_criterion_of_the_protocol_names_a_rule_whose_params_validate() -> None:
    for criterion in CRITERIA:
        assert criterion["rule"] in RULES, criterion["id"]
        spec = RULES[criterion["rule"]]
        model = spec.params.model_validate(criterion["params"])
        assert isinstance(model, spec.params)


def test_the_library_has_one_rule_per_rule_the_protocol_uses() -> None:
    assert set(RULES) == {criterion["rule"] for criterion in CRITERIA}
    for name, spec in RULES.items():
        assert spec.name == name
        assert "clinical-rules.md §" in spec.doc
        assert spec.source.startswith("clinical-rules.md §")


def test_a_typo_in_the_params_is_an_error_naming_criterion_and_rule() -> None:
    with pytest.raises(ValueError, match=r"criterion I1: invalid params for rule 'min_age'"):
        evaluate_criterion("I1", "inclusion", "min_age", {"yeras": 18}, ELIGIBLE)


def test_an_unknown_rule_or_kind_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown eligibility rule 'max_age'"):
        validate_params("max_age", {}, criterion_id="I9")
    with pytest.raises(ValueError, match="kind must be 'inclusion' or 'exclusion'"):
        evaluate_criterion("I1", "include", "min_age", {"years": 18}, ELIGIBLE)


@pytest.mark.parametrize(
    ("rule", "params"),
    [
        ("escc_stage_ivb_or_recurrence", {"ajcc_edition": 7, "stage": "IVB"}),
        ("escc_stage_ivb_or_recurrence", {"ajcc_edition": 8, "stage": "IVC"}),
        ("induction_response", {"min_cycles": 4, "max_cycles": 2, "qualifying_responses": ["CR"]}),
        ("induction_response", {"min_cycles": 2, "max_cycles": 4, "qualifying_responses": ["PD"]}),
        ("other_malignancy", {"allowed": ["other"]}),
        ("prior_radiotherapy_field", {"variant": "no_rt"}),
        ("laboratory_thresholds", {**BY_ID["I4"]["params"], "anc_min_e9_per_l": -1}),
        ("recent_serious_event", {"months": 0}),
        ("informed_consent", {"signed": True}),
    ],
)
def test_impossible_params_are_refused(rule: str, params: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=f"invalid params for rule '{rule}'"):
        validate_params(rule, params)


# ---------------------------------------------------------------- overall result


def test_a_patient_meeting_every_criterion_is_eligible() -> None:
    result = evaluate_eligibility(CRITERIA, ELIGIBLE)
    assert result.status is EligibilityStatus.ELIGIBLE
    assert result.eligible
    assert [r.criterion_id for r in result.results] == [c["id"] for c in CRITERIA]
    for criterion in result.results:
        expected = MET if criterion.kind == "inclusion" else NOT_MET
        assert criterion.status is expected, criterion
        assert criterion.missing == ()


def test_every_reason_cites_its_criterion() -> None:
    for evidence in (ELIGIBLE, ScreeningEvidence()):
        for result in evaluate_eligibility(CRITERIA, evidence).results:
            assert result.reasons
            for reason in result.reasons:
                assert str(reason).startswith(f"{result.criterion_id}: ")
                assert reason.params["criterion"] == result.criterion_id


def test_nothing_recorded_is_incomplete_and_names_what_each_criterion_needs() -> None:
    result = evaluate_eligibility(CRITERIA, ScreeningEvidence())
    assert result.status is EligibilityStatus.INCOMPLETE
    for criterion in result.results:
        assert criterion.status is INSUFFICIENT
        assert criterion.missing
        assert set(criterion.missing) <= EVIDENCE_FIELDS
    assert "date_of_birth" in result.missing
    assert len(result.missing) == len(set(result.missing))


def test_a_known_bar_makes_a_patient_not_eligible_even_with_evidence_missing() -> None:
    evidence = ScreeningEvidence(radiotherapy_unsafe=True)
    result = evaluate_eligibility(CRITERIA, evidence)
    assert result.status is EligibilityStatus.NOT_ELIGIBLE
    assert [r.criterion_id for r in result.barring] == ["E6"]
    assert result.barring[0].status is MET  # the excluding condition is present


def test_one_missing_answer_leaves_the_result_incomplete_and_names_it() -> None:
    result = evaluate_eligibility(CRITERIA, with_(informed_consent=None))
    assert result.status is EligibilityStatus.INCOMPLETE
    assert result.missing == ("informed_consent",)
    assert [r.criterion_id for r in result.undecided] == ["I7"]


def test_criteria_can_be_objects_with_attributes() -> None:
    class Criterion:
        def __init__(self, data: dict[str, Any]) -> None:
            self.id, self.kind, self.rule, self.params = (
                data["id"],
                data["kind"],
                data["rule"],
                data["params"],
            )

    result = evaluate_eligibility([Criterion(c) for c in CRITERIA], ELIGIBLE)
    assert result.eligible


def test_a_criterion_listed_twice_is_an_error() -> None:
    with pytest.raises(ValueError, match="criterion I1 appears more than once"):
        evaluate_eligibility([BY_ID["I1"], BY_ID["I1"]], ELIGIBLE)


FULL_NOT_ELIGIBLE = with_(
    ecog=2,
    anc=LabValue(Decimal("1.0"), "10^9/L"),
    serious_events=(SeriousEvent(SeriousEventKind.MYOCARDIAL_INFARCTION, date(2024, 1, 5)),),
    induction_cycles=5,
)


@given(
    full=st.sampled_from([ELIGIBLE, FULL_NOT_ELIGIBLE]),
    removed=st.sets(st.sampled_from(sorted(EVIDENCE_FIELDS))),
)
def test_missing_evidence_never_changes_a_decision_only_defers_it(
    full: ScreeningEvidence, removed: set[str]
) -> None:
    complete = {r.criterion_id: r for r in evaluate_eligibility(CRITERIA, full).results}
    partial = evaluate_eligibility(CRITERIA, replace(full, **dict.fromkeys(removed)))
    for result in partial.results:
        assert result.status in (complete[result.criterion_id].status, INSUFFICIENT)
        if result.status is INSUFFICIENT:
            assert set(result.missing) & removed
            assert set(result.missing) <= EVIDENCE_FIELDS
    if partial.status is EligibilityStatus.ELIGIBLE:
        assert full is ELIGIBLE


# ---------------------------------------------------------------- I1 age


@pytest.mark.parametrize(
    ("days_to_18th_birthday", "status"),
    [(1, NOT_MET), (0, MET), (-1, MET)],
)
def test_age_18_is_reached_on_the_birthday(
    days_to_18th_birthday: int, status: CriterionStatus
) -> None:
    evidence = with_(date_of_birth=born_years_before(18, SCREENING, days_to_18th_birthday))
    assert judge("I1", evidence).status is status


def test_age_below_minimum_says_how_old() -> None:
    evidence = with_(date_of_birth=born_years_before(18, SCREENING, 1))
    assert str(judge("I1", evidence).reasons[0]) == (
        "I1: aged 17 on 2024-03-01, below the minimum of 18."
    )


def test_age_needs_both_dates() -> None:
    result = judge("I1", with_(date_of_birth=None))
    assert result.status is INSUFFICIENT
    assert result.missing == ("date_of_birth",)


@pytest.mark.parametrize(
    ("on", "age"),
    [
        (date(2026, 2, 28), 17),  # common year: the birthday is taken as 1 March
        (date(2026, 3, 1), 18),
        (date(2028, 2, 28), 19),
        (date(2028, 2, 29), 20),  # leap year: the real birthday
    ],
)
def test_a_29_february_birthday(on: date, age: int) -> None:
    assert age_in_years(date(2008, 2, 29), on) == age


def test_a_29_february_birthday_can_follow_the_28_february_convention() -> None:
    assert age_in_years(date(2008, 2, 29), date(2026, 2, 28), leap_day_birthday="february_28") == 18


def test_a_29_february_birthday_against_the_minimum_age() -> None:
    leapling = date(2004, 2, 29)
    on_28_feb = with_(date_of_birth=leapling, screening_date=date(2022, 2, 28))
    on_1_mar = with_(date_of_birth=leapling, screening_date=date(2022, 3, 1))
    assert judge("I1", on_28_feb).status is NOT_MET
    assert judge("I1", on_1_mar).status is MET


# ---------------------------------------------------------------- I2 histology and stage


def test_initial_m1_is_stage_ivb() -> None:
    result = judge("I2", ELIGIBLE)
    assert result.status is MET
    assert "initial clinical stage IVB" in str(result.reasons[-1])


def test_t4b_n0_m0_is_iva_and_does_not_qualify() -> None:
    evidence = with_(initial_t=TCategory.T4B, initial_n=NCategory.N0, initial_m=MCategory.M0)
    result = judge("I2", evidence)
    assert result.status is NOT_MET


def test_m0_is_not_ivb_even_before_t_and_n_are_recorded() -> None:
    evidence = with_(initial_t=None, initial_n=None, initial_m=MCategory.M0)
    assert judge("I2", evidence).status is NOT_MET


def test_m1_decides_ivb_without_t_and_n() -> None:
    assert judge("I2", with_(initial_t=None, initial_n=None)).status is MET


def test_stage_needs_the_m_category() -> None:
    result = judge("I2", with_(initial_m=None))
    assert result.status is INSUFFICIENT
    assert result.missing == ("initial_m",)


def test_a_protocol_asking_for_another_stage_uses_t_and_n() -> None:
    n3 = with_(initial_t=TCategory.TX, initial_n=NCategory.N3, initial_m=MCategory.M0)
    assert judge("I2", n3, stage="IVA").status is MET
    unknown_t = with_(initial_t=None, initial_n=NCategory.N1, initial_m=MCategory.M0)
    assert judge("I2", unknown_t, stage="IVA").missing == ("initial_t",)


def test_adenocarcinoma_does_not_qualify() -> None:
    assert judge("I2", with_(histology=Histology.ADENOCARCINOMA)).status is NOT_MET


@pytest.mark.parametrize(
    ("in_field", "status"),
    [(False, MET), (True, NOT_MET), (None, INSUFFICIENT)],
)
def test_recurrence_after_radical_treatment_qualifies_only_outside_a_previous_field(
    in_field: bool | None, status: CriterionStatus
) -> None:
    evidence = with_(
        disease_setting=DiseaseSetting.RECURRENCE_AFTER_RADICAL_TREATMENT,
        initial_m=MCategory.M0,
        recurrence_in_prior_rt_field=in_field,
    )
    assert judge("I2", evidence).status is status


def test_other_routes_to_metastatic_disease_do_not_qualify() -> None:
    assert judge("I2", with_(disease_setting=DiseaseSetting.OTHER)).status is NOT_MET


# ---------------------------------------------------------------- I3 ECOG and G8


@pytest.mark.parametrize(("ecog", "status"), [(0, MET), (1, MET), (2, NOT_MET), (3, NOT_MET)])
def test_ecog_1_passes_and_2_fails(ecog: int, status: CriterionStatus) -> None:
    assert judge("I3", with_(ecog=ecog)).status is status


def test_ecog_2_fails_even_when_the_age_is_not_known() -> None:
    assert judge("I3", with_(ecog=2, date_of_birth=None)).status is NOT_MET


def test_aged_64_needs_no_g8() -> None:
    evidence = with_(date_of_birth=born_years_before(65, SCREENING, 1), g8_score=None)
    assert judge("I3", evidence).status is MET


def test_aged_65_without_g8_or_cga_is_insufficient() -> None:
    evidence = with_(date_of_birth=born_years_before(65, SCREENING, 0), g8_score=None)
    result = judge("I3", evidence)
    assert result.status is INSUFFICIENT
    assert result.missing == ("g8_score", "cga_favourable")


@pytest.mark.parametrize(
    ("g8", "cga", "status", "missing"),
    [
        (Decimal("14.5"), None, MET, ()),
        (15, None, MET, ()),
        (14, None, INSUFFICIENT, ("cga_favourable",)),  # a favourable CGA would still do
        (14, False, NOT_MET, ()),
        (14, True, MET, ()),
        (None, True, MET, ()),
        (None, False, INSUFFICIENT, ("g8_score",)),
    ],
)
def test_aged_65_needs_g8_above_14_or_a_favourable_cga(
    g8: Decimal | int | None,
    cga: bool | None,
    status: CriterionStatus,
    missing: tuple[str, ...],
) -> None:
    evidence = with_(
        date_of_birth=born_years_before(65, SCREENING, 0), g8_score=g8, cga_favourable=cga
    )
    result = judge("I3", evidence)
    assert (result.status, result.missing) == (status, missing)


def test_g8_14_fails_and_14_5_passes_when_cga_is_not_accepted() -> None:
    aged_70 = with_(date_of_birth=born_years_before(70, SCREENING), cga_favourable=True)
    assert judge("I3", replace(aged_70, g8_score=14), accept_cga=False).status is NOT_MET
    assert judge("I3", replace(aged_70, g8_score=14.5), accept_cga=False).status is MET


def test_g8_reason_shows_the_score_and_cut_off() -> None:
    evidence = with_(date_of_birth=born_years_before(70, SCREENING), g8_score=Decimal("14.5"))
    texts = [str(reason) for reason in judge("I3", evidence).reasons]
    assert "I3: G8 score 14.5 is above 14 (normal)." in texts


# ---------------------------------------------------------------- I4 laboratory


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"anc": LabValue(Decimal("1.5"), "10^9/L")}, MET),  # ANC >= 1.5: the limit passes
        ({"anc": LabValue(1500, "/µL")}, MET),
        ({"anc": LabValue(Decimal("1.49"), "10^9/L")}, NOT_MET),
        ({"haemoglobin": LabValue(90, "g/L")}, MET),
        ({"haemoglobin": LabValue(Decimal("9.0"), "g/dL")}, MET),
        ({"haemoglobin": LabValue(Decimal("89.9"), "g/L")}, NOT_MET),
        ({"platelets": LabValue(100, "10^9/L")}, MET),
        ({"platelets": LabValue(99, "10^9/L")}, NOT_MET),
        # bilirubin <= 1.5 x ULN: 25.65 / 17.1 is exactly 1.5
        (
            {
                "total_bilirubin": LabValue(25.65, "µmol/L"),
                "bilirubin_uln": LabValue(17.1, "µmol/L"),
            },
            MET,
        ),
        (
            {"total_bilirubin": LabValue(1.5, "mg/dL"), "bilirubin_uln": LabValue(17.1, "µmol/L")},
            MET,
        ),
        (
            {
                "total_bilirubin": LabValue(25.66, "µmol/L"),
                "bilirubin_uln": LabValue(17.1, "µmol/L"),
            },
            NOT_MET,
        ),
        ({"alt": LabValue(100, "U/L"), "alt_uln": LabValue(40, "U/L")}, MET),  # 2.5 x ULN
        ({"alt": LabValue(101, "U/L"), "alt_uln": LabValue(40, "U/L")}, NOT_MET),
        ({"ast": LabValue(100, "U/L"), "ast_uln": LabValue(40, "U/L")}, MET),
        ({"ast": LabValue(Decimal("100.1"), "U/L"), "ast_uln": LabValue(40, "U/L")}, NOT_MET),
    ],
)
def test_each_laboratory_limit_is_inclusive(
    changes: dict[str, Any], status: CriterionStatus
) -> None:
    assert judge("I4", with_(**changes)).status is status


def test_a_failing_count_names_its_value_and_limit() -> None:
    result = judge("I4", with_(anc=LabValue(Decimal("1.49"), "10^9/L")))
    assert [str(reason) for reason in result.reasons] == [
        "I4: neutrophils 1.49 × 10⁹/L, below 1.5 × 10⁹/L."
    ]


# Kidney: creatinine <= 1.5 x ULN or Cockcroft-Gault clearance >= 60 mL/min (rules §1.3).
# A man aged 80 weighing 72 kg with creatinine 1.0 mg/dL (88.4 µmol/L):
# (140 - 80) * 72 / (72 * 1.0) = 60 mL/min exactly; aged 81: 59 mL/min.
HIGH_CREATININE = {
    "creatinine": LabValue(Decimal("88.4"), "µmol/L"),
    "creatinine_uln": LabValue(50, "µmol/L"),  # 1.77 x ULN: the creatinine item alone fails
    "weight_kg": 72,
    "sex": Sex.MALE,
}


def test_creatinine_exactly_1_5_uln_passes_without_clearance() -> None:
    evidence = with_(creatinine=LabValue(159, "µmol/L"), creatinine_uln=LabValue(106, "µmol/L"))
    assert judge("I4", replace(evidence, weight_kg=None)).status is MET


def test_creatinine_above_1_5_uln_fails_when_clearance_also_fails() -> None:
    evidence = with_(**HIGH_CREATININE, date_of_birth=born_years_before(81, SCREENING))
    result = judge("I4", evidence)
    assert result.status is NOT_MET
    assert "I4: creatinine clearance (Cockcroft–Gault) 59 mL/min, below 60 mL/min." in [
        str(reason) for reason in result.reasons
    ]


def test_creatinine_above_1_5_uln_passes_on_a_clearance_of_exactly_60() -> None:
    evidence = with_(**HIGH_CREATININE, date_of_birth=born_years_before(80, SCREENING))
    assert judge("I4", evidence).status is MET


def test_clearance_for_a_woman_is_085_of_a_man() -> None:
    # 60 mL/min for a man is 51 mL/min for a woman: below 60.
    evidence = with_(
        **{**HIGH_CREATININE, "sex": Sex.FEMALE}, date_of_birth=born_years_before(80, SCREENING)
    )
    result = judge("I4", evidence)
    assert result.status is NOT_MET
    assert any("51 mL/min" in str(reason) for reason in result.reasons)


def test_clearance_that_cannot_be_calculated_leaves_kidney_function_undecided() -> None:
    evidence = with_(**{**HIGH_CREATININE, "weight_kg": None})
    result = judge("I4", evidence)
    assert result.status is INSUFFICIENT
    assert result.missing == ("weight_kg",)


def test_the_protocol_can_require_both_creatinine_and_clearance() -> None:
    evidence = with_(**HIGH_CREATININE, date_of_birth=born_years_before(80, SCREENING))
    assert judge("I4", evidence, kidney_function_requires="both").status is NOT_MET
    assert judge("I4", ELIGIBLE, kidney_function_requires="both").status is MET


def test_without_a_clearance_bound_only_creatinine_counts() -> None:
    evidence = with_(**HIGH_CREATININE, date_of_birth=born_years_before(40, SCREENING))
    assert judge("I4", evidence).status is MET  # clearance (100 * 72 / 72 = 100) rescues
    assert judge("I4", evidence, creatinine_clearance_min_ml_per_min=None).status is NOT_MET


def test_a_missing_upper_limit_of_normal_is_named() -> None:
    result = judge("I4", with_(alt_uln=None))
    assert result.status is INSUFFICIENT
    assert result.missing == ("alt_uln",)


def test_a_laboratory_value_in_an_unknown_unit_is_refused_with_its_field() -> None:
    with pytest.raises(ValueError, match="platelets: unknown unit 'g/L'"):
        with_(platelets=LabValue(150, "g/L"))


# ---------------------------------------------------------------- I5 previous radiotherapy


@pytest.mark.parametrize(
    ("prior_rt", "in_field", "status", "missing"),
    [
        (False, None, MET, ()),
        (True, False, MET, ()),
        (True, True, NOT_MET, ()),
        (True, None, INSUFFICIENT, ("recurrence_in_prior_rt_field",)),
        (None, False, INSUFFICIENT, ("prior_radical_radiotherapy",)),
    ],
)
def test_recurrence_inside_the_previous_field_excludes_outside_does_not(
    prior_rt: bool | None, in_field: bool | None, status: CriterionStatus, missing: tuple[str, ...]
) -> None:
    evidence = with_(prior_radical_radiotherapy=prior_rt, recurrence_in_prior_rt_field=in_field)
    result = judge("I5", evidence)
    assert (result.status, result.missing) == (status, missing)


def test_the_later_registry_version_excludes_any_thoracic_radiotherapy() -> None:
    outside_field = with_(
        prior_radical_radiotherapy=True,
        recurrence_in_prior_rt_field=False,
        prior_thoracic_radiotherapy=True,
    )
    assert judge("I5", outside_field).status is MET
    assert judge("I5", outside_field, variant="no_prior_thoracic_rt").status is NOT_MET
    assert judge("I5", ELIGIBLE, variant="no_prior_thoracic_rt").status is MET


# ---------------------------------------------------------------- I6, I7


@pytest.mark.parametrize(
    ("weeks", "status"),
    [(12, NOT_MET), (Decimal("12.0"), NOT_MET), (Decimal("12.5"), MET), (13, MET)],
)
def test_expected_survival_must_be_more_than_12_weeks(
    weeks: int | Decimal, status: CriterionStatus
) -> None:
    assert judge("I6", with_(expected_survival_weeks=weeks)).status is status


def test_consent_not_given_fails() -> None:
    assert judge("I7", with_(informed_consent=False)).status is NOT_MET


# ---------------------------------------------------------------- I8 induction


@pytest.mark.parametrize(("cycles", "status"), [(1, NOT_MET), (2, MET), (4, MET), (5, NOT_MET)])
def test_two_to_four_induction_cycles(cycles: int, status: CriterionStatus) -> None:
    assert judge("I8", with_(induction_cycles=cycles)).status is status


@pytest.mark.parametrize(
    ("response", "status"),
    [("CR", MET), ("PR", MET), ("SD", NOT_MET), ("PD", NOT_MET), ("NE", NOT_MET)],
)
def test_response_means_cr_or_pr_by_default(response: str, status: CriterionStatus) -> None:
    assert judge("I8", with_(induction_response=response)).status is status


def test_stable_disease_qualifies_when_the_protocol_counts_disease_control() -> None:
    evidence = with_(induction_response=InductionResponse.SD)
    assert judge("I8", evidence, qualifying_responses=["CR", "PR", "SD"]).status is MET


def test_induction_must_be_chemotherapy_with_a_pd1_inhibitor() -> None:
    assert judge("I8", with_(induction_chemoimmunotherapy=False)).status is NOT_MET


# ---------------------------------------------------------------- E1, E2, E4, E6


@pytest.mark.parametrize(
    ("history", "status"),
    [
        ((), NOT_MET),
        ((MalignancyHistory.NON_MELANOMA_SKIN_CANCER,), NOT_MET),
        (("cervical_carcinoma_in_situ", "hypopharyngeal_carcinoma_in_situ"), NOT_MET),
        ((MalignancyHistory.OTHER,), MET),
        ((MalignancyHistory.NON_MELANOMA_SKIN_CANCER, MalignancyHistory.OTHER), MET),
    ],
)
def test_other_cancers_exclude_except_the_allowed_ones(
    history: tuple[str, ...], status: CriterionStatus
) -> None:
    assert judge("E1", with_(other_malignancies=history)).status is status


@pytest.mark.parametrize(
    ("treatments", "status"),
    [
        ((), NOT_MET),
        (("induction_chemoimmunotherapy", "ostomy"), NOT_MET),
        (("radical_treatment_before_recurrence",), NOT_MET),
        (("chemotherapy",), MET),
        (("induction_chemoimmunotherapy", "surgery"), MET),
        (("radiotherapy",), MET),
    ],
)
def test_treatment_before_enrolment_excludes_except_ostomy_and_induction(
    treatments: tuple[str, ...], status: CriterionStatus
) -> None:
    assert judge("E2", with_(prior_treatments=treatments)).status is status


def test_ostomy_excludes_when_the_protocol_does_not_allow_it() -> None:
    evidence = with_(prior_treatments=(PriorTreatment.OSTOMY,))
    assert judge("E2", evidence, allow_ostomy=False).status is MET


@pytest.mark.parametrize(
    ("allergy", "autoimmune", "status"),
    [
        (False, False, NOT_MET),
        (True, False, MET),
        (False, True, MET),
        (True, None, MET),  # one present is enough
        (False, None, INSUFFICIENT),
    ],
)
def test_allergy_or_autoimmune_disease_excludes(
    allergy: bool, autoimmune: bool | None, status: CriterionStatus
) -> None:
    evidence = with_(chemotherapy_drug_allergy=allergy, autoimmune_disease=autoimmune)
    assert judge("E4", evidence).status is status


def test_radiotherapy_judged_unsafe_excludes() -> None:
    assert judge("E6", with_(radiotherapy_unsafe=True)).status is MET


# ---------------------------------------------------------------- E3 within 6 months


def mi_on(day: date) -> tuple[SeriousEvent, ...]:
    return (SeriousEvent(SeriousEventKind.MYOCARDIAL_INFARCTION, day),)


@pytest.mark.parametrize(
    ("event", "reference", "status"),
    [
        (date(2023, 3, 15), date(2023, 9, 15), MET),  # exactly 6 months: within
        (date(2023, 3, 15), date(2023, 9, 16), NOT_MET),  # 6 months and a day
        (date(2023, 3, 16), date(2023, 9, 15), MET),
        # 31 August: the window from a reference date of 29 February 2024 starts on 29 August
        (date(2023, 8, 31), date(2024, 2, 29), MET),
        (date(2023, 8, 31), date(2024, 3, 1), NOT_MET),
        (date(2023, 8, 28), date(2024, 2, 29), NOT_MET),
        (date(2023, 8, 29), date(2024, 2, 29), MET),
        # common year: 28 February 2023 reaches back to 28 August 2022
        (date(2022, 8, 31), date(2023, 2, 28), MET),
        (date(2022, 8, 28), date(2023, 2, 28), MET),
        (date(2022, 8, 27), date(2023, 2, 28), NOT_MET),
        (date(2022, 8, 31), date(2023, 3, 1), NOT_MET),
    ],
)
def test_serious_event_exactly_6_calendar_months_before_still_excludes(
    event: date, reference: date, status: CriterionStatus
) -> None:
    evidence = with_(serious_events=mi_on(event), reference_date=reference)
    assert judge("E3", evidence).status is status


def test_a_recent_event_is_named_with_its_date_and_window() -> None:
    evidence = with_(serious_events=mi_on(date(2024, 1, 5)))
    assert [str(reason) for reason in judge("E3", evidence).reasons] == [
        "E3: myocardial_infarction on 2024-01-05, within 6 months before 2024-03-08."
    ]


def test_active_infection_excludes_whatever_else_is_missing() -> None:
    evidence = with_(active_infection=True, serious_events=None, reference_date=None)
    assert judge("E3", evidence).status is MET


def test_events_need_a_reference_date_but_no_events_do_not() -> None:
    with_events = judge("E3", with_(serious_events=mi_on(date(2020, 1, 1)), reference_date=None))
    assert (with_events.status, with_events.missing) == (INSUFFICIENT, ("reference_date",))
    assert judge("E3", with_(serious_events=(), reference_date=None)).status is NOT_MET


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 2, 29), -6, date(2023, 8, 29)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        (date(2022, 8, 31), 6, date(2023, 2, 28)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2024, 1, 15), -13, date(2022, 12, 15)),
    ],
)
def test_calendar_month_arithmetic_clamps_to_the_month_end(
    day: date, months: int, expected: date
) -> None:
    assert add_months(day, months) == expected


# ---------------------------------------------------------------- E5 within 4 weeks


@pytest.mark.parametrize(
    ("days_before", "status"),
    [(0, MET), (27, MET), (28, MET), (29, NOT_MET), (400, NOT_MET)],
)
def test_another_trial_ending_exactly_4_weeks_before_still_excludes(
    days_before: int, status: CriterionStatus
) -> None:
    trial = TrialParticipation(ongoing=False, end_date=REFERENCE - timedelta(days=days_before))
    assert judge("E5", with_(other_trials=(trial,))).status is status


def test_taking_part_in_another_trial_now_excludes() -> None:
    ongoing = TrialParticipation(ongoing=True)
    assert judge("E5", with_(other_trials=(ongoing,), reference_date=None)).status is MET


def test_an_ended_trial_needs_its_end_date() -> None:
    with pytest.raises(ValueError, match=r"other_trials\.end_date"):
        TrialParticipation(ongoing=False)


# ---------------------------------------------------------------- evidence checks


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ecog": 6}, "ecog"),
        ({"g8_score": 14.25}, "g8_score"),
        ({"histology": "squamous"}, "histology"),
        ({"initial_t": "T5"}, "initial_t"),
        ({"informed_consent": "yes"}, "informed_consent"),
        ({"screening_date": datetime(2024, 3, 1, 9, 0)}, "screening_date"),
        ({"date_of_birth": date(2025, 1, 1)}, "date_of_birth"),
        ({"weight_kg": 0}, "weight_kg"),
        ({"induction_cycles": -1}, "induction_cycles"),
        ({"serious_events": ["myocardial_infarction"]}, "serious_events"),
        ({"prior_treatments": "chemotherapy"}, "prior_treatments"),
        ({"creatinine_uln": LabValue(0, "µmol/L")}, "creatinine_uln"),
    ],
)
def test_impossible_evidence_is_refused_naming_the_field(
    changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValueError, match=field):
        with_(**changes)


def test_text_values_of_vocabularies_are_accepted() -> None:
    evidence = with_(histology="squamous_cell_carcinoma", other_malignancies=["other"])
    assert evidence.histology is Histology.SQUAMOUS_CELL_CARCINOMA
    assert evidence.other_malignancies == (MalignancyHistory.OTHER,)
