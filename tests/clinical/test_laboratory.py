"""Laboratory values with units: conversions and x ULN ratios (rules §1.3, §7.4)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncotrial.clinical.laboratory import (
    Analyte,
    LabValue,
    UnitError,
    canonical_unit,
    check,
    convert,
    known_units,
    times_uln,
    to_canonical,
)


@pytest.mark.parametrize(
    ("value", "analyte", "expected"),
    [
        (LabValue(1, "mg/dL"), Analyte.CREATININE, Fraction("88.4")),
        (LabValue(Decimal("1.2"), "mg/dl"), Analyte.CREATININE, Fraction("106.08")),
        (LabValue(0.1, "mmol/L"), Analyte.CREATININE, 100),
        (LabValue(1, "mg/dL"), Analyte.TOTAL_BILIRUBIN, Fraction("17.1")),
        (LabValue(9, "g/dL"), Analyte.HAEMOGLOBIN, 90),
        (LabValue(90, "g/L"), Analyte.HAEMOGLOBIN, 90),
        (LabValue(1500, "/µL"), Analyte.ANC, Fraction(3, 2)),
        (LabValue(1500, "cells/uL"), Analyte.ANC, Fraction(3, 2)),
        (LabValue(100000, "/mm³"), Analyte.PLATELETS, 100),
        (LabValue(100, "10^3/µL"), Analyte.PLATELETS, 100),
        (LabValue(100, "×10⁹/L"), Analyte.PLATELETS, 100),
        (LabValue(100, "10*9/L"), Analyte.PLATELETS, 100),
        (LabValue(1, "µkat/L"), Analyte.ALT, 60),
        (LabValue(40, "IU/L"), Analyte.AST, 40),
    ],
)
def test_conversion_to_the_canonical_unit(
    value: LabValue, analyte: Analyte, expected: object
) -> None:
    assert to_canonical(value, analyte) == expected


def test_canonical_units() -> None:
    assert canonical_unit(Analyte.CREATININE) == "µmol/L"
    assert canonical_unit(Analyte.HAEMOGLOBIN) == "g/L"
    assert canonical_unit(Analyte.ANC) == "10^9/L"
    assert canonical_unit(Analyte.ALT) == "U/L"


def test_micro_sign_and_greek_mu_are_the_same_unit() -> None:
    micro, mu = "\u00b5mol/L", "\u03bcmol/L"
    assert to_canonical(LabValue(80, micro), "creatinine") == to_canonical(
        LabValue(80, mu), "creatinine"
    )


def test_creatinine_round_trip_between_umol_and_mg_is_exact() -> None:
    assert convert(LabValue(88.4, "µmol/L"), Analyte.CREATININE, "mg/dL") == 1
    assert convert(LabValue(2, "mg/dL"), Analyte.CREATININE, "µmol/L") == Fraction("176.8")


def test_bilirubin_mg_to_umol_uses_17_1() -> None:
    assert convert(
        LabValue(Decimal("1.5"), "mg/dL"), Analyte.TOTAL_BILIRUBIN, "µmol/L"
    ) == Fraction("25.65")


def test_times_uln_is_exact_at_one_and_a_half() -> None:
    # 25.65 / 17.1 is 1.5 exactly; float division could land either side.
    bilirubin = times_uln(LabValue(25.65, "µmol/L"), LabValue(17.1, "µmol/L"), "total_bilirubin")
    assert bilirubin == Fraction(3, 2)


def test_times_uln_converts_when_value_and_limit_are_in_different_units() -> None:
    # 1.5 mg/dL = 25.65 µmol/L against a ULN of 17.1 µmol/L
    ratio = times_uln(LabValue(1.5, "mg/dL"), LabValue(17.1, "µmol/L"), Analyte.TOTAL_BILIRUBIN)
    assert ratio == Fraction(3, 2)


def test_an_unknown_unit_names_the_field_and_the_units_accepted() -> None:
    with pytest.raises(
        UnitError, match=r"anc: unknown unit 'g/L' for anc; expected one of 10\^9/L"
    ):
        to_canonical(LabValue(1.5, "g/L"), Analyte.ANC, field="anc")
    with pytest.raises(UnitError, match="creatinine_uln: unknown unit 'mg/L'"):
        times_uln(
            LabValue(80, "µmol/L"),
            LabValue(1, "mg/L"),
            Analyte.CREATININE,
            field="creatinine",
            uln_field="creatinine_uln",
        )


def test_an_unknown_unit_is_also_a_value_error() -> None:
    with pytest.raises(ValueError, match="platelets"):
        check(LabValue(100, "per litre"), Analyte.PLATELETS, field="platelets")


def test_a_negative_or_non_numeric_value_is_refused_with_its_field() -> None:
    with pytest.raises(ValueError, match="haemoglobin must not be negative"):
        check(LabValue(-1, "g/L"), Analyte.HAEMOGLOBIN, field="haemoglobin")
    with pytest.raises(ValueError, match="haemoglobin must be a number"):
        check(LabValue("90", "g/L"), Analyte.HAEMOGLOBIN, field="haemoglobin")  # type: ignore[arg-type]


def test_a_zero_uln_is_refused() -> None:
    with pytest.raises(ValueError, match="alt_uln must be above 0"):
        times_uln(LabValue(40, "U/L"), LabValue(0, "U/L"), Analyte.ALT, field="alt")


def test_every_analyte_lists_its_units() -> None:
    for analyte in Analyte:
        assert known_units(analyte)[0] == canonical_unit(analyte)


@given(
    value=st.decimals(min_value=0, max_value=2000, places=2),
    unit=st.sampled_from(known_units(Analyte.CREATININE)),
)
def test_converting_there_and_back_returns_the_value(value: Decimal, unit: str) -> None:
    canonical = to_canonical(LabValue(value, unit), Analyte.CREATININE)
    back = convert(LabValue(canonical, canonical_unit(Analyte.CREATININE)), "creatinine", unit)
    assert back == value
