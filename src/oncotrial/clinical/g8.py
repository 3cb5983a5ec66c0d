"""The G8 geriatric screening score (Bellera et al., Ann Oncol 2012).

This module owns the G8 items and their points, the age and BMI bands, the total
score and the normal/abnormal cut-off. Source: clinical-rules.md §5.1.

Points are exact fractions: item P scores half a point for "does not know", and
the cut-off (normal above 14) must never depend on a float rounding.
Written by hand: the score is a short table with no maintained library.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any

MAX_SCORE = Fraction(17)
NORMAL_ABOVE = Fraction(14)  # > 14 is normal, <= 14 abnormal (§5.1)


class FoodIntake(StrEnum):
    """A. Food intake declined over the past 3 months."""

    SEVERE_DECREASE = "severe_decrease"
    MODERATE_DECREASE = "moderate_decrease"
    NO_DECREASE = "no_decrease"


class WeightLoss(StrEnum):
    """B. Weight loss during the last 3 months."""

    MORE_THAN_3_KG = "more_than_3_kg"
    DOES_NOT_KNOW = "does_not_know"
    BETWEEN_1_AND_3_KG = "between_1_and_3_kg"
    NO_WEIGHT_LOSS = "no_weight_loss"


class Mobility(StrEnum):
    """C. Mobility."""

    BED_OR_CHAIR_BOUND = "bed_or_chair_bound"
    GETS_UP_BUT_DOES_NOT_GO_OUT = "gets_up_but_does_not_go_out"
    GOES_OUT = "goes_out"


class Neuropsychological(StrEnum):
    """E. Neuropsychological problems."""

    SEVERE_DEMENTIA_OR_DEPRESSION = "severe_dementia_or_depression"
    MILD_DEMENTIA = "mild_dementia"
    NO_PROBLEMS = "no_problems"


class SelfRatedHealth(StrEnum):
    """P. Health compared with other people of the same age, as the patient sees it."""

    NOT_AS_GOOD = "not_as_good"
    DOES_NOT_KNOW = "does_not_know"
    AS_GOOD = "as_good"
    BETTER = "better"


_FOOD_INTAKE = {
    FoodIntake.SEVERE_DECREASE: Fraction(0),
    FoodIntake.MODERATE_DECREASE: Fraction(1),
    FoodIntake.NO_DECREASE: Fraction(2),
}
_WEIGHT_LOSS = {
    WeightLoss.MORE_THAN_3_KG: Fraction(0),
    WeightLoss.DOES_NOT_KNOW: Fraction(1),
    WeightLoss.BETWEEN_1_AND_3_KG: Fraction(2),
    WeightLoss.NO_WEIGHT_LOSS: Fraction(3),
}
_MOBILITY = {
    Mobility.BED_OR_CHAIR_BOUND: Fraction(0),
    Mobility.GETS_UP_BUT_DOES_NOT_GO_OUT: Fraction(1),
    Mobility.GOES_OUT: Fraction(2),
}
_NEUROPSYCHOLOGICAL = {
    Neuropsychological.SEVERE_DEMENTIA_OR_DEPRESSION: Fraction(0),
    Neuropsychological.MILD_DEMENTIA: Fraction(1),
    Neuropsychological.NO_PROBLEMS: Fraction(2),
}
_SELF_RATED_HEALTH = {
    SelfRatedHealth.NOT_AS_GOOD: Fraction(0),
    SelfRatedHealth.DOES_NOT_KNOW: Fraction(1, 2),
    SelfRatedHealth.AS_GOOD: Fraction(1),
    SelfRatedHealth.BETTER: Fraction(2),
}


def _exact(value: int | float | Decimal | Fraction, argument: str) -> Fraction:
    """The number as an exact fraction; a float is read as the decimal it prints as."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | Fraction):
        raise ValueError(f"{argument} must be a number, got {value!r}")
    if isinstance(value, float | Decimal) and not math.isfinite(value):
        raise ValueError(f"{argument} must be a finite number, got {value!r}")
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


def age_points(age_years: int) -> Fraction:
    """Age item: over 85 scores 0, 80 to 85 inclusive 1, under 80 scores 2 (§5.1)."""
    if isinstance(age_years, bool) or not isinstance(age_years, int) or age_years < 0:
        raise ValueError(f"age_years must be a whole number 0 or more, got {age_years!r}")
    if age_years > 85:
        return Fraction(0)
    if age_years >= 80:
        return Fraction(1)
    return Fraction(2)


def bmi_points(bmi: int | float | Decimal | Fraction) -> Fraction:
    """Item F: BMI under 19 scores 0, 19 to under 21 1, 21 to under 23 2, 23 or more 3.

    A BMI exactly on 19, 21 or 23 falls in the higher band (§5.1). The value is used
    as given, not rounded: pass the recorded BMI.
    """
    value = _exact(bmi, "bmi")
    if value <= 0:
        raise ValueError(f"bmi must be above 0, got {bmi!r}")
    if value < 19:
        return Fraction(0)
    if value < 21:
        return Fraction(1)
    if value < 23:
        return Fraction(2)
    return Fraction(3)


def body_mass_index(
    weight_kg: int | float | Decimal | Fraction, height_cm: int | float | Decimal | Fraction
) -> Fraction:
    """BMI in kg/m², exact: weight / (height in metres)²."""
    weight = _exact(weight_kg, "weight_kg")
    height = _exact(height_cm, "height_cm")
    if weight <= 0:
        raise ValueError(f"weight_kg must be above 0, got {weight_kg!r}")
    if height <= 0:
        raise ValueError(f"height_cm must be above 0, got {height_cm!r}")
    return weight / (height / 100) ** 2


@dataclass(frozen=True)
class G8Answers:
    """The answers to the eight G8 items; age and BMI are the measured values."""

    food_intake: FoodIntake
    weight_loss: WeightLoss
    mobility: Mobility
    neuropsychological: Neuropsychological
    bmi: int | float | Decimal | Fraction
    takes_more_than_3_drugs: bool  # item H: more than 3 prescription drugs a day
    self_rated_health: SelfRatedHealth
    age_years: int


@dataclass(frozen=True)
class G8Result:
    """Points per item (keyed by the item's field name) and the total."""

    items: Mapping[str, Fraction]
    score: Fraction

    @property
    def is_normal(self) -> bool:
        """Above 14 is normal (§5.1)."""
        return is_normal(self.score)


def _answer(
    table: Mapping[Any, Fraction], kind: type[StrEnum], value: object, name: str
) -> Fraction:
    try:
        return table[kind(value)]
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise ValueError(f"{name}: unknown answer {value!r}; expected one of {allowed}") from None


def g8_score(answers: G8Answers) -> G8Result:
    """Score the G8: 0 to 17 in half points (clinical-rules.md §5.1)."""
    drugs = answers.takes_more_than_3_drugs
    if not isinstance(drugs, bool):
        raise ValueError(f"takes_more_than_3_drugs must be True or False, got {drugs!r}")
    items = {
        "food_intake": _answer(_FOOD_INTAKE, FoodIntake, answers.food_intake, "food_intake"),
        "weight_loss": _answer(_WEIGHT_LOSS, WeightLoss, answers.weight_loss, "weight_loss"),
        "mobility": _answer(_MOBILITY, Mobility, answers.mobility, "mobility"),
        "neuropsychological": _answer(
            _NEUROPSYCHOLOGICAL,
            Neuropsychological,
            answers.neuropsychological,
            "neuropsychological",
        ),
        "bmi": bmi_points(answers.bmi),
        # polypharmacy "yes" scores 0 (§5.1)
        "takes_more_than_3_drugs": Fraction(0 if drugs else 1),
        "self_rated_health": _answer(
            _SELF_RATED_HEALTH, SelfRatedHealth, answers.self_rated_health, "self_rated_health"
        ),
        "age_years": age_points(answers.age_years),
    }
    return G8Result(items=items, score=sum(items.values(), Fraction(0)))


def check_score(score: int | float | Decimal | Fraction, argument: str = "g8_score") -> Fraction:
    """A recorded G8 total as an exact fraction, checked to be 0-17 in half points."""
    value = _exact(score, argument)
    if not 0 <= value <= MAX_SCORE or (value * 2).denominator != 1:
        raise ValueError(f"{argument} must be 0 to 17 in steps of 0.5, got {score!r}")
    return value


def is_normal(
    score: int | float | Decimal | Fraction,
    normal_above: int | float | Decimal | Fraction = NORMAL_ABOVE,
) -> bool:
    """True when the score is above the cut-off (default 14): 14 is abnormal, 14.5 normal."""
    return check_score(score, "score") > _exact(normal_above, "normal_above")
