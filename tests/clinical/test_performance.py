"""ECOG performance status grades and descriptions (rules §5.2)."""

from __future__ import annotations

import pytest

from oncotrial.clinical.performance import DESCRIPTIONS, Ecog, describe, ecog


@pytest.mark.parametrize("grade", range(6))
def test_every_grade_0_to_5_has_a_description(grade: int) -> None:
    assert ecog(grade) == grade
    assert str(describe(grade))


def test_descriptions_follow_oken_1982() -> None:
    assert "Fully active" in str(describe(0))
    assert "light or sedentary" in str(describe(1))
    assert "unable to carry out any work" in str(describe(2))
    assert "limited self-care" in str(describe(3))
    assert "Completely disabled" in str(describe(4))
    assert str(describe(5)) == "Dead."


def test_grades_1_and_2_differ_where_the_trial_draws_its_line() -> None:
    # ECOG <= 1 is required (rules §5.2): grade 1 can still work, grade 2 cannot.
    assert ecog(1) <= 1 < ecog(2)
    assert describe(1) != describe(2)


def test_descriptions_are_translatable_templates_without_placeholders() -> None:
    for message in DESCRIPTIONS.values():
        assert not message.params
        assert "%" not in message.template
    assert set(DESCRIPTIONS) == set(Ecog)


@pytest.mark.parametrize("bad", [-1, 6, 1.0, True, "1", None])
def test_anything_but_a_whole_number_0_to_5_is_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="ecog must be a whole number from 0 to 5"):
        ecog(bad)  # type: ignore[arg-type]
