"""A baseline with no evidence of disease (enrolled in complete response), RECIST 1.1 and iRECIST.

ESO-RT takes its RECIST baseline at enrolment and enrols complete responders
to induction (criterion I8): such a participant has no lesion to record.
Declared, the case is followed for new lesions only (rules §2.6, §2.9);
undeclared, an empty baseline is still refused as a missing selection.
"""

from __future__ import annotations

from typing import Any

import pytest

from oncotrial.clinical.response_case import CaseError, evaluate_case


def scan(date: str, new: str | None = "none") -> dict[str, Any]:
    return {"date": date, "target": {}, "non_target": None, "new_lesions": new}


def ned_case(criteria: str = "RECIST1.1", **extra: Any) -> dict[str, Any]:
    return {
        "criteria": criteria,
        "no_evidence_of_disease": True,
        "lesions": [],
        "assessments": [scan("2024-01-08"), scan("2024-02-26"), scan("2024-04-08")],
        **extra,
    }


def test_an_empty_baseline_is_refused_unless_no_disease_is_declared() -> None:
    case = ned_case()
    del case["no_evidence_of_disease"]
    with pytest.raises(CaseError) as refused:
        evaluate_case(case)
    assert refused.value.path == "lesions"
    case["lesions"] = [{"id": "NL1", "role": "new_non_target", "organ": "liver", "nodal": False}]
    with pytest.raises(CaseError) as refused:
        evaluate_case(case)
    assert "No target or non-target lesion" in refused.value.problem


def test_declared_no_disease_with_lesions_listed_is_refused() -> None:
    case = ned_case(lesions=[{"id": "T1", "role": "target", "organ": "liver", "nodal": False}])
    case["assessments"][0]["target"] = {"T1": 20}
    with pytest.raises(CaseError) as refused:
        evaluate_case(case)
    assert refused.value.path == "lesions[0]"
    assert "No evidence of disease is declared" in refused.value.problem


def test_no_evidence_of_disease_until_a_new_lesion_and_best_response_ned() -> None:
    result = evaluate_case(ned_case())
    assert [tp["overall"] for tp in result["timepoints"]] == [None, "NED", "NED"]
    assert result["best_overall_response"] == "NED"
    assert result["progression_date"] is None


def test_a_new_lesion_is_progression_dated_from_its_first_equivocal_scan() -> None:
    case = ned_case()
    case["assessments"] += [scan("2024-05-20", "equivocal"), scan("2024-07-01", "unequivocal")]
    result = evaluate_case(case)
    assert [tp["overall"] for tp in result["timepoints"][1:]] == ["NED", "NED", "PD", "PD"]
    assert result["progression_date"] == "2024-05-20"
    assert result["best_overall_response"] == "NED"


def test_only_progression_when_the_first_scan_shows_a_new_lesion() -> None:
    case = ned_case()
    case["assessments"] = [scan("2024-01-08"), scan("2024-02-26", "unequivocal")]
    result = evaluate_case(case)
    assert result["best_overall_response"] == "PD"
    assert result["progression_date"] == "2024-02-26"


def test_new_lesions_not_assessed_are_not_evaluable() -> None:
    case = ned_case()
    case["assessments"][1]["new_lesions"] = None
    result = evaluate_case(case)
    assert [tp["overall"] for tp in result["timepoints"][1:]] == ["NE", "NED"]


def test_irecist_new_lesion_is_iupd_then_icpd_when_more_appear() -> None:
    new = {"id": "NL1", "role": "new_non_target", "organ": "liver", "nodal": False}
    more = {"id": "NL2", "role": "new_non_target", "organ": "lung", "nodal": False}
    case = ned_case("iRECIST", lesions=[new, more])
    case["assessments"] += [
        {**scan("2024-05-20", "unequivocal"), "new_lesion_non_target": {"NL1": "present"}},
        {
            **scan("2024-06-24", "unequivocal"),
            "new_lesion_non_target": {"NL1": "present", "NL2": "present"},
        },
    ]
    result = evaluate_case(case)
    assert [tp["overall"] for tp in result["timepoints"][1:]] == ["NED", "NED", "iUPD", "iCPD"]
    assert result["progression_date"] == "2024-05-20"
    assert result["best_overall_response"] == "NED"
