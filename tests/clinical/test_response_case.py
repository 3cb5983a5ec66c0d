"""The JSON case interface: validation messages that name the path, settings keys, `main`."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from oncotrial.clinical.recist_settings import ResponseSettings
from oncotrial.clinical.response_case import CaseError, evaluate_case, main

ROOT = Path(__file__).resolve().parents[2]


def lesion(lesion_id: str, organ: str = "liver", role: str = "target", nodal: bool = False) -> dict:
    return {"id": lesion_id, "role": role, "organ": organ, "nodal": nodal}


def valid_case() -> dict[str, Any]:
    return {
        "criteria": "RECIST1.1",
        "randomized": True,
        "lesions": [
            lesion("T1"),
            lesion("T2", "lung"),
            lesion("T3", "adrenal"),
            lesion("T4", "neck", nodal=True),
            lesion("NT1", "bone", "non_target"),
        ],
        "assessments": [
            {
                "date": "2024-01-15",
                "target": {"T1": 30, "T2": 20, "T3": 15, "T4": 18},
                "non_target": "non_CR_non_PD",
                "new_lesions": "none",
            },
            {
                "date": "2024-03-11",
                "target": {"T1": 20, "T2": "too_small", "T3": "disappeared", "T4": 9},
                "non_target": "non_CR_non_PD",
                "new_lesions": "none",
            },
            {
                "date": "2024-05-06",
                "target": {"T1": 21, "T2": 6, "T3": "disappeared", "T4": None},
                "non_target": "NE",
                "new_lesions": "none",
            },
        ],
    }


def error_of(case: dict[str, Any]) -> CaseError:
    with pytest.raises(CaseError) as caught:
        evaluate_case(case)
    return caught.value


def test_a_valid_case_gives_every_output_key() -> None:
    result = evaluate_case(valid_case())
    assert list(result) == ["timepoints", "best_overall_response", "progression_date", "flags"]
    assert list(result["timepoints"][0]) == [
        "date",
        "sum_mm",
        "target",
        "non_target",
        "new_lesions",
        "overall",
    ]
    assert [tp["sum_mm"] for tp in result["timepoints"]] == [83, 34, None]
    assert [tp["overall"] for tp in result["timepoints"]] == [None, "PR", "NE"]
    assert result["best_overall_response"] == "PR"
    assert result["progression_date"] is None


def test_bad_target_value_names_the_path_and_the_allowed_values() -> None:
    case = valid_case()
    case["assessments"][2]["target"]["T4"] = "small"
    error = error_of(case)
    assert error.path == "assessments[2].target.T4"
    assert str(error).startswith(
        'assessments[2].target.T4: expected a number, "too_small", "disappeared"'
    )
    assert str(error).endswith("or null")


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (lambda c: c.pop("criteria"), "criteria", '"RECIST1.1" or "iRECIST"'),
        (lambda c: c.update(colour="red"), "colour", "unknown key"),
        (lambda c: c["lesions"][1].update(role="main"), "lesions[1].role", '"target"'),
        (lambda c: c["lesions"][2].pop("nodal"), "lesions[2].nodal", "required"),
        (lambda c: c["lesions"][3].update(id="T1"), "lesions[3].id", "duplicate"),
        (lambda c: c["assessments"][1].update(date="2024-3-11"), "assessments[1].date", "YYYY"),
        (
            lambda c: c["assessments"][1].update(date="2024-02-30"),
            "assessments[1].date",
            "calendar",
        ),
        (lambda c: c["assessments"][2].update(date="2024-03-11"), "assessments[2].date", "after"),
        (
            lambda c: c["assessments"][1]["target"].update(T9=5),
            "assessments[1].target.T9",
            "no lesion",
        ),
        (
            lambda c: c["assessments"][1]["target"].update(NT1=5),
            "assessments[1].target.NT1",
            "non_target",
        ),
        (lambda c: c["assessments"][1]["target"].update(T1=-2), "assessments[1].target.T1", "≥ 0"),
        (
            lambda c: c["assessments"][1]["target"].update(T1=True),
            "assessments[1].target.T1",
            "a number",
        ),
        (
            lambda c: c["assessments"][1]["target"].update(T1=[]),
            "assessments[1].target.T1",
            "fragment",
        ),
        (
            lambda c: c["assessments"][1]["target"].update(T1=[4, "x"]),
            "assessments[1].target.T1[1]",
            "number",
        ),
        (
            lambda c: c["assessments"][1].update(non_target="SD"),
            "assessments[1].non_target",
            '"non_CR_non_PD"',
        ),
        (
            lambda c: c["assessments"][1].update(new_lesions="maybe"),
            "assessments[1].new_lesions",
            '"equivocal"',
        ),
        (
            lambda c: c["assessments"][1].pop("new_lesions"),
            "assessments[1].new_lesions",
            "required",
        ),
        (
            lambda c: c["assessments"][0].update(new_lesions="unequivocal"),
            "assessments[0].new_lesions",
            "baseline",
        ),
        (lambda c: c.update(sd_min_days="six weeks"), "sd_min_days", "whole number"),
        (lambda c: c.update(pr_labelling="sticky"), "pr_labelling", '"continuing"'),
        (lambda c: c.update(randomized="yes"), "randomized", "true or false"),
        (
            lambda c: c.update(pre_enrolment_sums_mm=[40]),
            "pre_enrolment_sums_mm",
            "since_pre_induction",
        ),
        (lambda c: c.update(lesions=[]), "lesions", "non-empty"),
        (lambda c: c.update(assessments={}), "assessments", "baseline"),
    ],
)
def test_malformed_input_names_the_offending_path(change: Any, path: str, words: str) -> None:
    case = valid_case()
    change(case)
    error = error_of(case)
    assert (error.path, words in error.problem) == (path, True), str(error)


def test_coalesced_lesion_must_name_a_measured_target() -> None:
    case = valid_case()
    case["assessments"][1]["target"]["T2"] = {"coalesced_into": "T3"}  # T3 disappeared
    assert error_of(case).path == "assessments[1].target.T2"
    case["assessments"][1]["target"]["T2"] = {"coalesced_into": "T2"}
    assert "itself" in error_of(case).problem
    case["assessments"][1]["target"]["T2"] = {"coalesced_into": "T1"}
    assert evaluate_case(case)["timepoints"][1]["sum_mm"] == 29


def test_non_target_status_needs_declared_non_target_lesions() -> None:
    case = valid_case()
    case["lesions"].pop()
    error = error_of(case)
    assert error.path == "assessments[0].non_target" and "null" in error.problem


def test_a_sixth_target_is_refused_with_the_rule_named() -> None:
    case = valid_case()
    case["lesions"][4:4] = [lesion("T5", "spleen"), lesion("T6", "peritoneum")]
    case["assessments"][0]["target"].update(T5=20, T6=20)
    error = error_of(case)
    assert error.path == "lesions[5]"
    assert "RECIST 1.1 §2.2: at most 5 target lesions" in error.problem


def test_a_third_target_in_one_organ_is_refused() -> None:
    case = valid_case()
    case["lesions"][1]["organ"] = "liver"
    case["lesions"][2]["organ"] = "Liver"
    error = error_of(case)
    assert error.path == "lesions[2]" and "per organ" in error.problem


def test_a_target_below_the_measurable_size_at_baseline_is_refused() -> None:
    case = valid_case()
    case["assessments"][0]["target"]["T4"] = 14  # a node needs a 15 mm short axis
    error = error_of(case)
    assert error.path == "assessments[0].target.T4"
    assert "short axis ≥ 15 mm" in error.problem


def test_irecist_new_lesions_must_agree_with_the_listed_ones() -> None:
    case = valid_case()
    case["criteria"] = "iRECIST"
    case["lesions"].append(lesion("N1", "lung", "new_target"))
    case["assessments"][2]["new_lesion_targets"] = {"N1": 12}
    error = error_of(case)
    assert error.path == "assessments[2].new_lesions" and "N1" in error.problem
    case["assessments"][2]["new_lesions"] = "unequivocal"
    assert evaluate_case(case)["timepoints"][2]["overall"] == "iUPD"
    case["assessments"][2]["new_lesion_targets"] = {}
    assert "listed" in error_of(case).problem


def test_new_lesion_lists_name_declared_new_lesions() -> None:
    case = valid_case()
    case["criteria"] = "iRECIST"
    case["assessments"][2].update(new_lesions="unequivocal", new_lesion_non_target={"X": "present"})
    error = error_of(case)
    assert error.path == "assessments[2].new_lesion_non_target.X"
    case["lesions"].append(lesion("X", "brain", "new_non_target"))
    case["assessments"][2]["new_lesion_non_target"] = {"X": "bigger"}
    assert '"increased"' in error_of(case).problem


def test_settings_given_as_extra_keys_change_the_result() -> None:
    case = valid_case()
    case["assessments"][2]["target"]["T4"] = 9
    assert evaluate_case(case)["best_overall_response"] == "PR"
    case["randomized"] = False  # confirmation needed; 56 days later PR is seen again
    assert evaluate_case(case)["best_overall_response"] == "PR"
    case["confirmation_min_days"] = 60
    assert evaluate_case(case)["best_overall_response"] == "SD"


def test_default_settings_are_the_protocol_settings() -> None:
    protocol = tomllib.loads((ROOT / "protocols" / "eso_rt.toml").read_text(encoding="utf-8"))
    tables = protocol["settings"]
    from_file = ResponseSettings.from_protocol(tables["recist"], tables["progression"])
    assert from_file == ResponseSettings()
    assert from_file.unconfirmed_iupd == "event_at_iupd" and from_file.sd_min_days == 42


def test_main_prints_the_result_and_returns_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(valid_case()), encoding="utf-8")
    assert main([str(path)]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out) == evaluate_case(valid_case()) and err == ""


def test_main_reports_malformed_input_on_stderr_and_returns_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = valid_case()
    case["assessments"][2]["target"]["T4"] = "big"
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    assert main([str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("error: assessments[2].target.T4: expected a number")


@pytest.mark.parametrize(
    ("text", "words"),
    [("{not json", "not valid JSON"), ('{"criteria": NaN}', "NaN")],
)
def test_main_refuses_invalid_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, words: str
) -> None:
    path = tmp_path / "case.json"
    path.write_text(text, encoding="utf-8")
    assert main([str(path)]) == 1
    assert words in capsys.readouterr().err


def test_main_usage_and_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage" in capsys.readouterr().err
    assert main([str(tmp_path / "absent.json")]) == 1
    assert "cannot read" in capsys.readouterr().err
