"""Entry limits catch wrong units without refusing true extremes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from oncotrial.clinical.laboratory import LabValue
from oncotrial.clinical.plausibility import body_problem, lab_problem


def test_haemoglobin_in_the_wrong_unit_is_caught_and_the_range_is_given_in_that_unit() -> None:
    problem = lab_problem(LabValue(Decimal("9.5"), "g/L"), "haemoglobin")
    assert problem is not None
    assert (
        str(problem)
        == "9.5 g/L is outside the possible range 20–250 g/L: check the value and its unit."
    )
    assert lab_problem(LabValue(Decimal("9.5"), "g/dL"), "haemoglobin") is None


@pytest.mark.parametrize(
    ("value", "unit", "ok"),
    [("20", "g/L", True), ("19.9", "g/L", False), ("250", "g/L", True), ("250.1", "g/L", False)],
)
def test_limits_are_inclusive(value: str, unit: str, ok: bool) -> None:
    assert (lab_problem(LabValue(Decimal(value), unit), "haemoglobin") is None) is ok


def test_creatinine_in_mg_per_dl_is_converted_before_the_check() -> None:
    assert lab_problem(LabValue(Decimal("1.1"), "mg/dL"), "creatinine") is None
    assert lab_problem(LabValue(Decimal("88"), "mg/dL"), "creatinine") is not None


def test_body_measurements() -> None:
    assert body_problem("weight_kg", 62) is None
    assert "outside the possible range 20–300 kg" in str(body_problem("weight_kg", 6200))
    assert body_problem("height_cm", 100) is None and body_problem("height_cm", 99) is not None
