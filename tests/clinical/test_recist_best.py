"""RECIST 1.1 best overall response, confirmation, SD duration and PFS date (§2.8, §2.9)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from oncotrial.clinical.recist_best import Level, Visit, best_overall_response
from oncotrial.clinical.recist_settings import ResponseSettings
from oncotrial.clinical.response_case import evaluate_case

START = dt.date(2024, 1, 1)


def day(n: int) -> str:
    return (START + dt.timedelta(days=n)).isoformat()


def case(readings: list[tuple[int, Any]], **settings: Any) -> dict:
    """One liver target read on (day, value) pairs; the first pair is the baseline."""
    return evaluate_case(
        {
            "criteria": "RECIST1.1",
            "lesions": [{"id": "T1", "role": "target", "organ": "liver", "nodal": False}],
            "assessments": [
                {"date": day(d), "target": {"T1": v}, "new_lesions": "none"} for d, v in readings
            ],
            **settings,
        }
    )


def best(readings: list[tuple[int, Any]], **settings: Any) -> str:
    return case(readings, **settings)["best_overall_response"]


def test_without_confirmation_a_single_pr_is_the_best_response() -> None:
    assert best([(0, 100), (56, 60), (112, 130)]) == "PR"


def test_pr_confirmed_at_28_days_but_not_at_27() -> None:
    assert best([(0, 100), (42, 60), (70, 60)], confirm_response=True) == "PR"
    assert best([(0, 100), (42, 60), (69, 60)], confirm_response=True) == "SD"


def test_unconfirmed_pr_counts_as_sd_only_after_the_minimum_duration() -> None:
    # PR at day 30 then PD at day 57: no confirmation, SD duration not met -> PD.
    assert best([(0, 100), (30, 60), (57, 90)], confirm_response=True) == "PD"


def test_cr_confirmed_by_cr_and_cr_followed_by_pr_gives_pr_with_a_flag() -> None:
    assert best([(0, 20), (42, 0), (70, 0)], confirm_response=True) == "CR"
    # By default disease seen after CR is progression, so the CR stays unconfirmed.
    result = case([(0, 20), (42, 0), (70, 5)], confirm_response=True)
    assert [tp["overall"] for tp in result["timepoints"][1:]] == ["CR", "PD"]
    assert result["best_overall_response"] == "SD"
    # When only a confirmed CR makes reappearance PD, CR then PR is possible (Table 3 note a).
    node = {"id": "N1", "role": "target", "organ": "neck", "nodal": True}
    result = evaluate_case(
        {
            "criteria": "RECIST1.1",
            "confirm_response": True,
            "reappearance_after_cr": "confirmed_cr",
            "lesions": [node],
            "assessments": [
                {"date": day(d), "target": {"N1": v}, "new_lesions": "none"}
                for d, v in [(0, 20), (42, 8), (70, 11)]
            ],
        }
    )
    assert [tp["overall"] for tp in result["timepoints"][1:]] == ["CR", "PR"]
    assert result["best_overall_response"] == "PR"
    assert [f["code"] for f in result["flags"]] == ["cr_then_pr"]


def test_not_randomized_means_confirmation_unless_stated() -> None:
    readings = [(0, 100), (42, 60), (56, 60)]
    assert best(readings, randomized=True) == "PR"
    assert best(readings, randomized=False) == "SD"
    assert best(readings, randomized=False, confirm_response=False) == "PR"


def test_sd_counts_from_42_days_after_baseline_not_41() -> None:
    assert best([(0, 100), (42, 100)]) == "SD"
    assert best([(0, 100), (41, 100)]) == "NE"


def test_early_sd_followed_by_pd_is_pd() -> None:
    assert best([(0, 100), (41, 100), (84, 130)]) == "PD"


def test_sd_duration_is_a_setting() -> None:
    assert best([(0, 100), (50, 100)], sd_min_days=56) == "NE"
    assert best([(0, 100), (56, 100)], sd_min_days=56) == "SD"


def test_time_points_after_the_first_pd_do_not_count() -> None:
    result = case([(0, 100), (56, 130), (112, 0)])
    assert result["best_overall_response"] == "PD"
    assert result["progression_date"] == day(56)


def test_no_progression_gives_no_progression_date() -> None:
    assert case([(0, 100), (56, 90), (112, 80)])["progression_date"] is None


def test_only_unevaluable_follow_ups_give_ne() -> None:
    assert best([(0, 100), (56, None), (112, None)]) == "NE"
    assert best([(0, 100)]) == "NE"


def test_ne_between_response_and_confirmation_does_not_break_it() -> None:
    settings = ResponseSettings(confirm_response=True)
    visits = [
        Visit(START + dt.timedelta(days=42), Level.PR),
        Visit(START + dt.timedelta(days=56), Level.NE),
        Visit(START + dt.timedelta(days=84), Level.PR),
    ]
    assert best_overall_response(START, visits, settings, has_target_disease=True)[0] is Level.PR


def test_worse_response_between_breaks_confirmation() -> None:
    settings = ResponseSettings(confirm_response=True)
    visits = [
        Visit(START + dt.timedelta(days=30), Level.PR),
        Visit(START + dt.timedelta(days=50), Level.SD),
        Visit(START + dt.timedelta(days=90), Level.PR),
    ]
    assert best_overall_response(START, visits, settings, has_target_disease=True)[0] is Level.SD


def test_non_target_only_disease_best_response_is_non_cr_non_pd_after_duration() -> None:
    def run(days: int) -> str:
        return evaluate_case(
            {
                "criteria": "RECIST1.1",
                "lesions": [{"id": "NT1", "role": "non_target", "organ": "bone", "nodal": False}],
                "assessments": [
                    {"date": day(0), "non_target": "non_CR_non_PD"},
                    {"date": day(days), "non_target": "non_CR_non_PD", "new_lesions": "none"},
                ],
            }
        )["best_overall_response"]

    assert run(42) == "NON_CR_NON_PD"
    assert run(41) == "NE"
