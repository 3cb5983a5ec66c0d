"""The shared table of laboratory units: spellings, factors and exact boundaries."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncotrial.clinical import units
from oncotrial.clinical.ctcae_labs import LabValueError, Quantity, grade_lab
from oncotrial.clinical.laboratory import Analyte, LabValue, known_units, times_uln, to_canonical
from oncotrial.clinical.units import (
    BILIRUBIN_UMOL_PER_L_PER_MG_PER_DL,
    CREATININE_UMOL_PER_L_PER_MG_PER_DL,
    UNITS,
    Dimension,
    UnitError,
)

COUNT, MASS, SUBSTANCE, CATALYTIC = (
    Dimension.COUNT,
    Dimension.MASS,
    Dimension.SUBSTANCE,
    Dimension.CATALYTIC,
)
CREATININE = "Creatinine increased"


@pytest.mark.parametrize(
    ("spelling", "display", "dimension", "factor"),
    [
        # cell counts, base 10^9/L
        ("10^9/L", "10^9/L", COUNT, Fraction(1)),
        ("10^9/l", "10^9/L", COUNT, Fraction(1)),
        (" 10 ^9 / L ", "10^9/L", COUNT, Fraction(1)),
        ("10⁹/L", "10^9/L", COUNT, Fraction(1)),
        ("×10⁹/L", "10^9/L", COUNT, Fraction(1)),
        ("×10^9/L", "10^9/L", COUNT, Fraction(1)),
        ("x10^9/L", "10^9/L", COUNT, Fraction(1)),
        ("10*9/L", "10^9/L", COUNT, Fraction(1)),
        ("10e9/L", "10^9/L", COUNT, Fraction(1)),
        ("/nL", "10^9/L", COUNT, Fraction(1)),
        ("１０^９／Ｌ", "10^9/L", COUNT, Fraction(1)),  # full-width input
        ("10^3/µL", "10^3/µL", COUNT, Fraction(1)),
        ("10^3/μL", "10^3/µL", COUNT, Fraction(1)),  # Greek mu
        ("10³/µL", "10^3/µL", COUNT, Fraction(1)),
        ("x10^3/uL", "10^3/µL", COUNT, Fraction(1)),
        ("10*3/uL", "10^3/µL", COUNT, Fraction(1)),
        ("K/µL", "10^3/µL", COUNT, Fraction(1)),
        ("/µL", "/µL", COUNT, Fraction(1, 1000)),
        ("/uL", "/µL", COUNT, Fraction(1, 1000)),
        ("cells/µL", "/µL", COUNT, Fraction(1, 1000)),
        ("/mm³", "/mm³", COUNT, Fraction(1, 1000)),
        ("/mm3", "/mm³", COUNT, Fraction(1, 1000)),
        ("cells/mm3", "/mm³", COUNT, Fraction(1, 1000)),
        # mass concentration, base g/L
        ("g/L", "g/L", MASS, Fraction(1)),
        ("G/L", "g/L", MASS, Fraction(1)),  # grams, never giga-cells
        ("g/dL", "g/dL", MASS, Fraction(10)),
        ("mg/dl", "mg/dL", MASS, Fraction(1, 100)),
        ("mg/L", "mg/L", MASS, Fraction(1, 1000)),
        # substance concentration, base mmol/L
        ("mmol/L", "mmol/L", SUBSTANCE, Fraction(1)),
        ("µmol/L", "µmol/L", SUBSTANCE, Fraction(1, 1000)),
        ("μmol/L", "µmol/L", SUBSTANCE, Fraction(1, 1000)),
        ("umol/l", "µmol/L", SUBSTANCE, Fraction(1, 1000)),
        # catalytic concentration, base U/L
        ("U/L", "U/L", CATALYTIC, Fraction(1)),
        ("IU/L", "IU/L", CATALYTIC, Fraction(1)),
        ("[IU]/L", "IU/L", CATALYTIC, Fraction(1)),
        ("µkat/L", "µkat/L", CATALYTIC, Fraction(60)),
        ("ukat/L", "µkat/L", CATALYTIC, Fraction(60)),
    ],
)
def test_each_spelling_normalises_to_its_unit_and_factor(
    spelling: str, display: str, dimension: Dimension, factor: Fraction
) -> None:
    unit = units.lookup(spelling, "unit")
    assert (unit.spelling, unit.dimension, unit.factor) == (display, dimension, factor)
    assert units.find(spelling) == unit


def test_every_display_spelling_is_its_own_unit_and_keys_do_not_collide() -> None:
    keys = [units.normalise(spelling) for spelling in UNITS]
    assert len(set(keys)) == len(keys)
    for spelling, unit in UNITS.items():
        assert units.find(spelling) is unit
        assert unit.spelling == spelling


def test_each_dimension_has_its_base_unit_at_factor_one() -> None:
    for dimension in Dimension:
        base = UNITS[dimension.base]
        assert (base.dimension, base.factor) == (dimension, 1)


@pytest.mark.parametrize("spelling", ["109/L", "×109/L", "per litre", "", "G/µL", "mEq/L"])
def test_an_unknown_unit_is_refused_with_the_field_named(spelling: str) -> None:
    assert units.find(spelling) is None
    with pytest.raises(
        UnitError, match=f"^anc_unit: unknown unit {re.escape(repr(spelling))}; expected one of"
    ):
        units.lookup(spelling, "anc_unit")


def test_a_unit_that_is_not_text_is_refused_with_the_field_named() -> None:
    assert units.find(None) is None
    with pytest.raises(UnitError, match=r"^anc_unit: the unit must be text, got None$"):
        units.lookup(None, "anc_unit")


def test_a_known_unit_outside_the_accepted_ones_is_refused_with_what_is_accepted() -> None:
    with pytest.raises(
        UnitError,
        match=r"^creatinine: unknown unit 'mg/L' for creatinine; expected one of µmol/L, mg/dL$",
    ):
        units.lookup("mg/L", "creatinine", accepted=("µmol/L", "mg/dL"), of="creatinine")
    assert units.lookup("umol/L", "creatinine", accepted=("µmol/L",)).spelling == "µmol/L"


def test_factors_within_a_dimension_are_exact() -> None:
    assert units.factor(UNITS["/mm³"], UNITS["10^9/L"]) == Fraction(1, 1000)
    assert units.factor(UNITS["10^9/L"], UNITS["/µL"]) == 1000
    assert units.factor(UNITS["g/dL"], UNITS["g/L"]) == 10
    assert units.factor(UNITS["mmol/L"], UNITS["µmol/L"]) == 1000
    assert units.factor(UNITS["µkat/L"], UNITS["IU/L"]) == 60


def test_mass_and_substance_convert_only_with_the_substance_convention() -> None:
    mg_dl, umol_l = UNITS["mg/dL"], UNITS["µmol/L"]
    creatinine = CREATININE_UMOL_PER_L_PER_MG_PER_DL
    assert units.factor(mg_dl, umol_l, umol_per_l_per_mg_per_dl=creatinine) == Fraction("88.4")
    assert units.factor(umol_l, mg_dl, umol_per_l_per_mg_per_dl=creatinine) == 1 / Fraction("88.4")
    assert units.factor(
        UNITS["g/L"], UNITS["mmol/L"], umol_per_l_per_mg_per_dl=BILIRUBIN_UMOL_PER_L_PER_MG_PER_DL
    ) == Fraction("1.71")
    with pytest.raises(UnitError, match="without a molar mass"):
        units.factor(mg_dl, umol_l)
    with pytest.raises(UnitError, match="without a molar mass"):
        units.factor(UNITS["U/L"], UNITS["g/L"], umol_per_l_per_mg_per_dl=creatinine)


def test_eligibility_accepts_only_table_units_and_converts_by_the_table() -> None:
    for analyte in Analyte:
        for spelling in known_units(analyte):
            assert spelling in UNITS
    assert to_canonical(LabValue(1500, "cells/mm³"), Analyte.ANC) == Fraction(3, 2)


# ----------------------------------------------------- values on a threshold


@pytest.mark.parametrize(
    ("value", "uln"),
    [
        (LabValue(Decimal("1.8"), "mg/dL"), LabValue(Decimal("1.2"), "mg/dL")),
        (LabValue(159.12, "µmol/L"), LabValue(Decimal("1.2"), "mg/dL")),
        (LabValue(Decimal("1.8"), "mg/dL"), LabValue(106.08, "umol/L")),
        (LabValue(Decimal("0.15912"), "mmol/L"), LabValue(Decimal("1.2"), "mg/dL")),
        (LabValue(Decimal("159.12"), "μmol/L"), LabValue(Decimal("0.10608"), "mmol/L")),
    ],
)
def test_creatinine_at_one_and_a_half_uln_stays_exactly_there(
    value: LabValue, uln: LabValue
) -> None:
    # 1.8 mg/dL = 159.12 µmol/L and 1.2 mg/dL = 106.08 µmol/L: 1.5 x ULN in every unit.
    assert times_uln(value, uln, Analyte.CREATININE) == Fraction(3, 2)


@pytest.mark.parametrize(
    ("value", "uln"),
    [
        (Quantity("1.8", "mg/dL"), Quantity("1.2", "mg/dL")),
        (Quantity("159.12", "µmol/L"), Quantity("106.08", "µmol/L")),
        (Quantity("0.15912", "mmol/L"), Quantity("106.08", "umol/L")),
        (Quantity("18", "mg/L"), Quantity("0.012", "g/L")),
    ],
)
def test_ctcae_creatinine_at_one_and_a_half_uln_is_grade_1_in_every_unit(
    value: Quantity, uln: Quantity
) -> None:
    # Creatinine G1 is ">ULN - 1.5 x ULN": exactly 1.5 x ULN is still grade 1.
    assert grade_lab(CREATININE, value, uln=uln).grade == 1
    above = Quantity(Decimal(str(value.value)) * Decimal("1.0001"), value.unit)
    assert grade_lab(CREATININE, above, uln=uln).grade == 2


def test_ctcae_still_needs_a_molar_mass_to_mix_mass_and_substance() -> None:
    with pytest.raises(
        LabValueError,
        match=r"^uln: µmol/L cannot be compared with the value.s unit mg/dL without a molar mass",
    ):
        grade_lab(CREATININE, Quantity("1.8", "mg/dL"), uln=Quantity("106.08", "µmol/L"))


def test_ctcae_refuses_an_unknown_unit_naming_the_field() -> None:
    with pytest.raises(LabValueError, match=r"^lln: 109/L is not a unit this grading understands"):
        grade_lab(
            "Neutrophil count decreased", Quantity("1.0", "10^9/L"), lln=Quantity("1.8", "109/L")
        )


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        ("1.5", "10^9/L", 1),
        ("1500", "/mm³", 1),
        ("1500", "cells/µL", 1),
        ("1.5", "K/µL", 1),
        ("1.5", "/nL", 1),
        ("1.0", "×10⁹/L", 2),
        ("1000", "/uL", 2),
        ("0.5", "10*9/L", 3),
    ],
)
def test_neutrophils_on_a_grade_boundary_grade_the_same_in_every_spelling(
    value: str, unit: str, expected: int
) -> None:
    lln = Quantity("1.8", "10^9/L")
    assert grade_lab("Neutrophil count decreased", Quantity(value, unit), lln=lln).grade == expected


@given(
    value=st.decimals(min_value=0, max_value=10_000, places=3),
    spellings=st.permutations(sorted(s for s, u in UNITS.items() if u.dimension is COUNT)),
)
def test_count_conversions_round_trip_exactly(value: Decimal, spellings: list[str]) -> None:
    a, b = UNITS[spellings[0]], UNITS[spellings[1]]
    assert Fraction(value) * units.factor(a, b) * units.factor(b, a) == Fraction(value)
