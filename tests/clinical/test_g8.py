"""G8 geriatric screening score (rules §5.1)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncotrial.clinical.g8 import (
    FoodIntake,
    G8Answers,
    Mobility,
    Neuropsychological,
    SelfRatedHealth,
    WeightLoss,
    age_points,
    bmi_points,
    body_mass_index,
    check_score,
    g8_score,
    is_normal,
)

BEST = G8Answers(
    food_intake=FoodIntake.NO_DECREASE,
    weight_loss=WeightLoss.NO_WEIGHT_LOSS,
    mobility=Mobility.GOES_OUT,
    neuropsychological=Neuropsychological.NO_PROBLEMS,
    bmi=24,
    takes_more_than_3_drugs=False,
    self_rated_health=SelfRatedHealth.BETTER,
    age_years=70,
)


def test_the_best_answers_score_17_and_the_worst_0() -> None:
    assert g8_score(BEST).score == 17
    worst = G8Answers(
        food_intake=FoodIntake.SEVERE_DECREASE,
        weight_loss=WeightLoss.MORE_THAN_3_KG,
        mobility=Mobility.BED_OR_CHAIR_BOUND,
        neuropsychological=Neuropsychological.SEVERE_DEMENTIA_OR_DEPRESSION,
        bmi=17,
        takes_more_than_3_drugs=True,
        self_rated_health=SelfRatedHealth.NOT_AS_GOOD,
        age_years=90,
    )
    assert g8_score(worst).score == 0


def test_each_item_scores_its_published_points() -> None:
    answers = G8Answers(
        food_intake=FoodIntake.MODERATE_DECREASE,  # 1
        weight_loss=WeightLoss.DOES_NOT_KNOW,  # 1
        mobility=Mobility.GETS_UP_BUT_DOES_NOT_GO_OUT,  # 1
        neuropsychological=Neuropsychological.MILD_DEMENTIA,  # 1
        bmi=20,  # 1
        takes_more_than_3_drugs=True,  # 0
        self_rated_health=SelfRatedHealth.DOES_NOT_KNOW,  # 0.5
        age_years=82,  # 1
    )
    result = g8_score(answers)
    assert result.items == {
        "food_intake": 1,
        "weight_loss": 1,
        "mobility": 1,
        "neuropsychological": 1,
        "bmi": 1,
        "takes_more_than_3_drugs": 0,
        "self_rated_health": Fraction(1, 2),
        "age_years": 1,
    }
    assert result.score == Fraction(13, 2)


def test_weight_loss_between_1_and_3_kg_scores_2_and_as_good_health_scores_1() -> None:
    answers = replace(
        BEST, weight_loss=WeightLoss.BETWEEN_1_AND_3_KG, self_rated_health=SelfRatedHealth.AS_GOOD
    )
    assert g8_score(answers).score == 15


@pytest.mark.parametrize(
    ("age", "points"),
    [(79, 2), (80, 1), (85, 1), (86, 0)],
)
def test_age_80_and_85_both_score_1(age: int, points: int) -> None:
    assert age_points(age) == points


@pytest.mark.parametrize(
    ("bmi", "points"),
    [
        (Decimal("18.9"), 0),
        (19, 1),
        (Decimal("20.99"), 1),
        (21, 2),
        (22.99, 2),
        (23, 3),
        (23.0, 3),
    ],
)
def test_bmi_exactly_on_a_band_edge_falls_in_the_higher_band(bmi: object, points: int) -> None:
    assert bmi_points(bmi) == points  # type: ignore[arg-type]


def test_bmi_from_weight_and_height_is_exact_on_the_edge() -> None:
    # 76 kg at 200 cm is exactly 19.0 kg/m²: the higher band, with no float rounding.
    assert body_mass_index(76, 200) == 19
    assert bmi_points(body_mass_index(76, 200)) == 1


def test_14_is_abnormal_and_14_and_a_half_is_normal_exactly() -> None:
    # 17 - weight loss unknown (3 -> 1) - more than 3 drugs (1 -> 0) = 14
    at_14 = replace(BEST, weight_loss=WeightLoss.DOES_NOT_KNOW, takes_more_than_3_drugs=True)
    # 17 - health "does not know" (2 -> 0.5) - more than 3 drugs (1 -> 0) = 14.5
    at_14_5 = replace(
        BEST, self_rated_health=SelfRatedHealth.DOES_NOT_KNOW, takes_more_than_3_drugs=True
    )
    assert g8_score(at_14).score == 14
    assert not g8_score(at_14).is_normal
    assert g8_score(at_14_5).score == Fraction(29, 2)
    assert g8_score(at_14_5).is_normal


@pytest.mark.parametrize(
    ("score", "normal"),
    [(14, False), (Decimal("14.0"), False), (14.5, True), (Fraction(29, 2), True), (17, True)],
)
def test_is_normal_means_above_14(score: object, normal: bool) -> None:
    assert is_normal(score) is normal  # type: ignore[arg-type]


def test_the_cut_off_is_a_parameter() -> None:
    assert not is_normal(15, normal_above=15)
    assert is_normal(Decimal("15.5"), normal_above=15)


@pytest.mark.parametrize("bad", [-0.5, 17.5, 14.25, float("nan")])
def test_a_recorded_score_off_the_half_point_scale_is_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="g8_score"):
        check_score(bad)


def test_an_unknown_answer_is_an_error_naming_the_item() -> None:
    with pytest.raises(ValueError, match="mobility: unknown answer 'runs'"):
        g8_score(replace(BEST, mobility="runs"))  # type: ignore[arg-type]


def test_an_impossible_bmi_or_age_is_refused() -> None:
    with pytest.raises(ValueError, match="bmi"):
        bmi_points(0)
    with pytest.raises(ValueError, match="age_years"):
        age_points(-1)


@given(
    food=st.sampled_from(FoodIntake),
    weight=st.sampled_from(WeightLoss),
    mobility=st.sampled_from(Mobility),
    neuro=st.sampled_from(Neuropsychological),
    bmi=st.decimals(min_value=Decimal("10"), max_value=Decimal("60"), places=2),
    drugs=st.booleans(),
    health=st.sampled_from(SelfRatedHealth),
    age=st.integers(min_value=18, max_value=110),
)
def test_score_is_always_0_to_17_in_half_points(
    food: FoodIntake,
    weight: WeightLoss,
    mobility: Mobility,
    neuro: Neuropsychological,
    bmi: Decimal,
    drugs: bool,
    health: SelfRatedHealth,
    age: int,
) -> None:
    result = g8_score(G8Answers(food, weight, mobility, neuro, bmi, drugs, health, age))
    assert 0 <= result.score <= 17
    assert (result.score * 2).denominator == 1
    assert result.score == sum(result.items.values())
    assert result.is_normal == (result.score > 14)
