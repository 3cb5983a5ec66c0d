"""RECIST 1.1 time-point responses: worked cases for every rule and boundary of §2.2-§2.7."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

from oncotrial.clinical.recist import (
    NewLesions,
    Response,
    is_partial_response,
    is_progression,
    overall_response,
)
from oncotrial.clinical.response_case import evaluate_case

START = dt.date(2024, 1, 1)


def day(n: int) -> str:
    return (START + dt.timedelta(days=n)).isoformat()


def lesion(lesion_id: str, organ: str = "liver", nodal: bool = False, role: str = "target") -> dict:
    return {"id": lesion_id, "role": role, "organ": organ, "nodal": nodal}


def visit(
    n: int,
    target: dict | None = None,
    non_target: str | None = None,
    new: str | None = "none",
    **extra: Any,
) -> dict:
    return {
        "date": day(n),
        "target": target or {},
        "non_target": non_target,
        "new_lesions": new,
        **extra,
    }


def evaluate(lesions: list[dict], visits: list[dict], **settings: Any) -> dict:
    return evaluate_case(
        {"criteria": "RECIST1.1", "lesions": lesions, "assessments": visits, **settings}
    )


def overall(result: dict) -> list[str]:
    return [tp["overall"] for tp in result["timepoints"][1:]]


def field(result: dict, name: str) -> list[Any]:
    return [tp[name] for tp in result["timepoints"][1:]]


def codes(result: dict) -> list[str]:
    return [f["code"] for f in result["flags"]]


ONE = [lesion("T1")]
TWO = [lesion("T1"), lesion("T2", "lung")]


def sums(*values: float | int | str | None, lesions: list[dict] = ONE) -> dict:
    """A case with one target whose readings are `values`, the first at baseline."""
    visits = [visit(56 * i, {"T1": v}) for i, v in enumerate(values)]
    return evaluate(lesions, visits)


# --- thresholds -----------------------------------------------------------------


def test_exactly_30_percent_decrease_is_pr_and_29_9_is_sd() -> None:
    assert field(sums(100, 70), "target") == ["PR"]
    assert field(sums(100, 70.1), "target") == ["SD"]


def test_exactly_30_percent_is_pr_where_floating_point_would_say_otherwise() -> None:
    assert 23.1 / 33 > 0.7  # the float trap this engine avoids
    assert is_partial_response(Fraction("23.1"), Fraction(33))
    assert field(sums(33, 23.1), "target") == ["PR"]


def test_exactly_20_percent_and_exactly_5_mm_over_nadir_is_pd() -> None:
    assert is_progression(Fraction(30), Fraction(25))
    assert field(sums(25, 30), "target") == ["PD"]
    assert field(sums(25, 29.9), "target") == ["SD"]


def test_20_percent_with_only_4_mm_is_not_pd() -> None:
    assert not is_progression(Fraction(24), Fraction(20))
    assert field(sums(20, 24), "target") == ["SD"]
    assert field(sums(20, 25), "target") == ["PD"]


def test_exactly_20_percent_is_pd_where_floating_point_would_say_otherwise() -> None:
    assert (31.2 - 26) / 26 < 0.2  # the float trap this engine avoids
    assert field(sums(26, 31.2), "target") == ["PD"]


def test_5_mm_but_below_20_percent_is_not_pd() -> None:
    assert field(sums(100, 119), "target") == ["SD"]
    assert field(sums(100, 120), "target") == ["PD"]


# --- nadir ----------------------------------------------------------------------


def test_pd_is_measured_from_the_nadir_not_the_baseline() -> None:
    result = sums(100, 60, 72)
    assert field(result, "target") == ["PR", "PD"]
    assert result["progression_date"] == day(112)


def test_an_assessment_with_a_missing_target_never_lowers_the_nadir() -> None:
    visits = [
        visit(0, {"T1": 30, "T2": 20}),
        visit(56, {"T1": 10, "T2": None}),  # partial sum 10 must not become the nadir
        visit(112, {"T1": 10, "T2": 15}),
    ]
    result = evaluate(TWO, visits)
    assert field(result, "target") == ["NE", "PR"]
    assert field(result, "sum_mm") == [None, 25]


def test_nadir_includes_the_baseline() -> None:
    assert field(sums(50, 55, 60), "target") == ["SD", "PD"]


def test_pre_enrolment_sums_join_the_nadir_only_when_the_protocol_says_so() -> None:
    visits = [visit(0, {"T1": 50}), visit(56, {"T1": 48})]
    assert overall(evaluate(ONE, visits)) == ["SD"]
    result = evaluate(ONE, visits, nadir="since_pre_induction", pre_enrolment_sums_mm=[40])
    assert overall(result) == ["PD"]


# --- not assessed ---------------------------------------------------------------


def test_a_target_not_assessed_makes_the_target_response_ne() -> None:
    result = evaluate(TWO, [visit(0, {"T1": 30, "T2": 20}), visit(56, {"T1": 30})])
    assert field(result, "target") == ["NE"]
    assert overall(result) == ["NE"]


def test_missing_target_still_pd_when_the_assessed_ones_already_reach_pd() -> None:
    result = evaluate(TWO, [visit(0, {"T1": 30, "T2": 20}), visit(56, {"T1": 60, "T2": None})])
    assert field(result, "target") == ["PD"]
    assert "pd_with_missing_targets" in codes(result)


def test_new_lesions_not_assessed_make_the_time_point_ne_unless_pd() -> None:
    result = evaluate(
        ONE,
        [visit(0, {"T1": 30}), visit(56, {"T1": 15}, new=None), visit(112, {"T1": 40}, new=None)],
    )
    assert overall(result) == ["NE", "PD"]


# --- complete response and measurement conventions -------------------------------


def test_node_cr_with_a_non_zero_sum() -> None:
    lesions = [lesion("T1"), lesion("N1", "neck", nodal=True)]
    result = evaluate(
        lesions, [visit(0, {"T1": 20, "N1": 16}), visit(56, {"T1": "disappeared", "N1": 9})]
    )
    assert field(result, "target") == ["CR"]
    assert field(result, "sum_mm") == [9]
    assert overall(result) == ["CR"]


def test_node_short_axis_exactly_10_mm_is_not_cr() -> None:
    lesions = [lesion("T1"), lesion("N1", "neck", nodal=True)]
    result = evaluate(
        lesions, [visit(0, {"T1": 20, "N1": 16}), visit(56, {"T1": "disappeared", "N1": 10})]
    )
    assert field(result, "target") == ["PR"]


def test_growth_of_target_nodes_within_the_normal_range_is_not_progression() -> None:
    # 5 + 5 -> 9 + 9 is +80 % and +8 mm, but nodes below 10 mm are normal: still CR.
    lesions = [lesion("N1", "neck", nodal=True), lesion("N2", "hilum", nodal=True)]
    visits = [
        visit(0, {"N1": 16, "N2": 16}),
        visit(56, {"N1": 5, "N2": 5}),
        visit(112, {"N1": 9, "N2": 9}),
    ]
    result = evaluate(lesions, visits)
    assert field(result, "sum_mm") == [10, 18]
    assert overall(result) == ["CR", "CR"]


def test_too_small_counts_5_mm_and_an_explicit_smaller_number_is_used_as_given() -> None:
    result = sums(20, "too_small", 3, "disappeared")
    assert field(result, "sum_mm") == [5, 3, 0]
    assert field(result, "target") == ["PR", "PR", "CR"]


def test_a_too_small_non_nodal_target_is_not_cr() -> None:
    assert field(sums(20, "too_small"), "target") == ["PR"]


def test_split_lesion_fragments_are_summed() -> None:
    result = sums(40, [20, 15], [20, 15, 15])
    assert field(result, "sum_mm") == [35, 50]
    assert field(result, "target") == ["SD", "PD"]
    assert codes(result).count("split_lesion") == 2


def test_coalesced_lesions_put_the_mass_on_one_and_0_on_the_other() -> None:
    lesions = [lesion("T1"), lesion("T2")]
    visits = [
        visit(0, {"T1": 30, "T2": 20}),
        visit(56, {"T1": 45, "T2": {"coalesced_into": "T1"}}),
        visit(112, {"T1": 61, "T2": {"coalesced_into": "T1"}}),
    ]
    result = evaluate(lesions, visits)
    assert field(result, "sum_mm") == [45, 61]
    assert field(result, "target") == ["SD", "PD"]
    assert "coalesced_lesion" in codes(result)


# --- non-target and overall table -----------------------------------------------


def test_overall_table_with_target_disease() -> None:
    none, yes = NewLesions.NONE, NewLesions.UNEQUIVOCAL
    cr, pr, sd, nn, ne, pd = (
        Response.CR,
        Response.PR,
        Response.SD,
        Response.NON_CR_NON_PD,
        Response.NE,
        Response.PD,
    )
    table = [
        ((cr, cr, none), cr),
        ((cr, None, none), cr),
        ((cr, nn, none), pr),
        ((cr, ne, none), pr),
        ((pr, nn, none), pr),
        ((pr, ne, none), pr),
        ((sd, nn, none), sd),
        ((sd, ne, none), sd),
        ((ne, nn, none), ne),
        ((pd, cr, none), pd),
        ((cr, pd, none), pd),
        ((cr, cr, yes), pd),
        ((cr, cr, NewLesions.EQUIVOCAL), cr),
    ]
    assert [overall_response(*row) for row, _ in table] == [want for _, want in table]


def test_non_target_only_disease_gives_non_cr_non_pd() -> None:
    lesions = [lesion("NT1", "pleura", role="non_target")]
    visits = [
        visit(0, non_target="non_CR_non_PD"),
        visit(56, non_target="non_CR_non_PD"),
        visit(112, non_target=None),
        visit(168, non_target="CR"),
        visit(224, non_target="PD"),
    ]
    result = evaluate(lesions, visits)
    assert overall(result) == ["NON_CR_NON_PD", "NE", "CR", "PD"]
    assert field(result, "target") == [None] * 4
    assert field(result, "sum_mm") == [None] * 4


def test_unequivocal_non_target_progression_is_pd_even_with_target_cr() -> None:
    lesions = [lesion("T1"), lesion("NT1", "bone", role="non_target")]
    visits = [visit(0, {"T1": 20}, "non_CR_non_PD"), visit(56, {"T1": "disappeared"}, "PD")]
    assert overall(evaluate(lesions, visits)) == ["PD"]


def test_unequivocal_new_lesion_is_pd_and_equivocal_is_not() -> None:
    result = sums(30, 20)
    assert overall(result) == ["PR"]
    visits = [visit(0, {"T1": 30}), visit(56, {"T1": 20}, new="equivocal")]
    result = evaluate(ONE, visits)
    assert overall(result) == ["PR"] and "equivocal_new_lesion" in codes(result)
    visits = [visit(0, {"T1": 30}), visit(56, {"T1": 20}, new="unequivocal")]
    assert overall(evaluate(ONE, visits)) == ["PD"]


def test_evaluation_ends_at_progression() -> None:
    result = sums(100, 130, 60)
    assert field(result, "target") == ["PD", "PR"]
    assert overall(result) == ["PD", "PD"]
    assert "after_progression" in codes(result)


# --- equivocal new lesions and reappearance ---------------------------------------


def test_confirmed_equivocal_new_lesion_back_dates_progression() -> None:
    visits = [
        visit(0, {"T1": 30}),
        visit(56, {"T1": 20}),
        visit(112, {"T1": 20}, new="equivocal"),
        visit(168, {"T1": 20}, new="equivocal"),
        visit(224, {"T1": 20}, new="unequivocal"),
    ]
    result = evaluate(ONE, visits)
    assert result["progression_date"] == day(112)
    assert overall(result) == ["PR", "PD", "PD", "PD"]
    assert "progression_backdated" in codes(result)


def test_equivocal_lesion_that_resolved_does_not_back_date() -> None:
    visits = [
        visit(0, {"T1": 30}),
        visit(56, {"T1": 20}, new="equivocal"),
        visit(112, {"T1": 20}, new="none"),
        visit(168, {"T1": 20}, new="unequivocal"),
    ]
    result = evaluate(ONE, visits)
    assert result["progression_date"] == day(168)
    assert overall(result) == ["PR", "PR", "PD"]


def test_target_node_regrowing_to_10_mm_after_cr_is_pd() -> None:
    lesions = [lesion("N1", "neck", nodal=True)]
    visits = [visit(0, {"N1": 20}), visit(56, {"N1": 8}), visit(112, {"N1": 11})]
    result = evaluate(lesions, visits)
    assert overall(result) == ["CR", "PD"]
    assert "reappearance_after_cr" in codes(result)


def test_same_regrowth_without_a_previous_overall_cr_is_not_pd() -> None:
    lesions = [lesion("N1", "neck", nodal=True), lesion("NT1", "bone", role="non_target")]
    visits = [
        visit(0, {"N1": 20}, "non_CR_non_PD"),
        visit(56, {"N1": 8}, "non_CR_non_PD"),
        visit(112, {"N1": 11}, "non_CR_non_PD"),
    ]
    assert overall(evaluate(lesions, visits)) == ["PR", "PR"]


def test_non_target_disease_reappearing_after_cr_is_pd() -> None:
    lesions = [lesion("T1"), lesion("NT1", "bone", role="non_target")]
    visits = [
        visit(0, {"T1": 20}, "non_CR_non_PD"),
        visit(56, {"T1": "disappeared"}, "CR"),
        visit(112, {"T1": "disappeared"}, "non_CR_non_PD"),
    ]
    result = evaluate(lesions, visits)
    assert overall(result) == ["CR", "PD"]
    assert field(result, "non_target") == ["CR", "PD"]


def test_reappearance_rule_can_demand_a_confirmed_cr() -> None:
    lesions = [lesion("N1", "neck", nodal=True)]
    visits = [visit(0, {"N1": 20}), visit(56, {"N1": 8}), visit(112, {"N1": 11})]
    result = evaluate(lesions, visits, reappearance_after_cr="confirmed_cr")
    assert overall(result) == ["CR", "PR"]
    visits = [
        visit(0, {"N1": 20}),
        visit(56, {"N1": 8}),
        visit(84, {"N1": 7}),
        visit(140, {"N1": 11}),
    ]
    result = evaluate(lesions, visits, reappearance_after_cr="confirmed_cr")
    assert overall(result) == ["CR", "CR", "PD"]


# --- PR labelling -----------------------------------------------------------------


def test_established_pr_continues_until_pd_by_default() -> None:
    result = sums(100, 70, 70, 80, 80)
    assert overall(result) == ["PR", "PR", "PR", "PR"]
    assert codes(result).count("continued_pr") == 2
    assert overall(sums(100, 70, 84)) == ["PR", "PD"]


def test_per_visit_labelling_applies_the_table_literally() -> None:
    visits = [visit(56 * i, {"T1": v}) for i, v in enumerate([100, 70, 70, 80, 80])]
    result = evaluate(ONE, visits, pr_labelling="per_visit")
    assert overall(result) == ["PR", "PR", "SD", "SD"]
    assert result["best_overall_response"] == "PR"
