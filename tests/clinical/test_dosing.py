"""Dose calculations: BSA, Cockcroft-Gault, Calvert, BED/EQD2, sintilimab (rules §7.2-§7.4)."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncotrial.clinical.dosing import (
    Sex,
    biologically_effective_dose,
    bsa_dubois,
    bsa_mosteller,
    carboplatin_dose_calvert,
    cockcroft_gault,
    equivalent_dose_2gy,
    sintilimab_dose_mg,
)
from oncotrial.clinical.laboratory import Analyte, LabValue, convert


def test_mosteller_170_cm_70_kg_is_1_82_m2() -> None:
    # sqrt(170 * 70 / 3600) = sqrt(3.3056) = 1.8181
    assert bsa_mosteller(170, 70) == pytest.approx(1.8181, abs=1e-4)
    assert round(bsa_mosteller(170, 70), 2) == 1.82


def test_dubois_170_cm_70_kg() -> None:
    # 0.007184 * 170^0.725 * 70^0.425 = 0.007184 * 41.33 * 6.095 = 1.8097
    assert bsa_dubois(170, 70) == pytest.approx(1.8097, abs=1e-3)


@pytest.mark.parametrize("formula", [bsa_mosteller, bsa_dubois])
def test_bsa_refuses_impossible_height_and_weight(formula) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="height_cm must be above 0"):
        formula(-170, 70)
    with pytest.raises(ValueError, match="weight_kg must be above 0"):
        formula(170, 0)
    with pytest.raises(ValueError, match="height_cm must be a finite number"):
        formula(math.inf, 70)


def test_cockcroft_gault_for_a_woman_is_085_of_a_man() -> None:
    # (140 - 60) * 60 / (72 * 1.0) = 66.67 mL/min for a man; x 0.85 = 56.67 for a woman
    man = cockcroft_gault(age_years=60, weight_kg=60, serum_creatinine_mg_per_dl=1, sex=Sex.MALE)
    woman = cockcroft_gault(
        age_years=60, weight_kg=60, serum_creatinine_mg_per_dl=1, sex=Sex.FEMALE
    )
    assert man == Fraction(200, 3)
    assert woman == Fraction(170, 3)
    assert float(woman) == pytest.approx(56.67, abs=0.01)


def test_cockcroft_gault_from_creatinine_in_umol_per_l() -> None:
    # 88.4 µmol/L / 88.4 = 1.0 mg/dL; woman aged 70, 55 kg: 70 * 55 / 72 * 0.85 = 45.45
    creatinine = convert(LabValue(88.4, "µmol/L"), Analyte.CREATININE, "mg/dL")
    assert creatinine == 1
    clearance = cockcroft_gault(
        age_years=70, weight_kg=55, serum_creatinine_mg_per_dl=creatinine, sex="female"
    )
    assert float(clearance) == pytest.approx(45.45, abs=0.01)


def test_cockcroft_gault_stays_float_for_float_input() -> None:
    clearance = cockcroft_gault(
        age_years=60, weight_kg=60.0, serum_creatinine_mg_per_dl=1.0, sex="male"
    )
    assert isinstance(clearance, float)
    assert clearance == pytest.approx(66.667, abs=1e-3)


def test_cockcroft_gault_refuses_impossible_inputs() -> None:
    good = {"age_years": 60, "weight_kg": 60, "serum_creatinine_mg_per_dl": 1, "sex": "male"}
    with pytest.raises(ValueError, match="serum_creatinine_mg_per_dl must be above 0"):
        cockcroft_gault(**{**good, "serum_creatinine_mg_per_dl": 0})
    with pytest.raises(ValueError, match="age_years must be below 140"):
        cockcroft_gault(**{**good, "age_years": 140})
    with pytest.raises(ValueError, match="sex must be 'female' or 'male'"):
        cockcroft_gault(**{**good, "sex": "f"})
    with pytest.raises(ValueError, match="weight_kg must be a number"):
        cockcroft_gault(**{**good, "weight_kg": "60"})


def test_calvert_auc_5_gfr_90_is_575_mg() -> None:
    # 5 * (90 + 25) = 575
    assert carboplatin_dose_calvert(target_auc=5, gfr_ml_per_min=90) == 575


def test_calvert_caps_gfr_at_125_so_auc_5_never_exceeds_750_mg() -> None:
    # 5 * (125 + 25) = 750, whatever the estimate above 125
    assert carboplatin_dose_calvert(target_auc=5, gfr_ml_per_min=125) == 750
    assert carboplatin_dose_calvert(target_auc=5, gfr_ml_per_min=180) == 750
    assert carboplatin_dose_calvert(target_auc=6, gfr_ml_per_min=180) == 900


def test_calvert_cap_is_a_parameter() -> None:
    assert carboplatin_dose_calvert(target_auc=5, gfr_ml_per_min=180, gfr_cap_ml_per_min=150) == 875


def test_calvert_refuses_a_negative_gfr_and_a_zero_auc() -> None:
    with pytest.raises(ValueError, match="gfr_ml_per_min must be 0 or more"):
        carboplatin_dose_calvert(target_auc=5, gfr_ml_per_min=-1)
    with pytest.raises(ValueError, match="target_auc must be above 0"):
        carboplatin_dose_calvert(target_auc=0, gfr_ml_per_min=90)


@pytest.mark.parametrize(
    ("total", "fractions", "bed", "eqd2"),
    [
        # d = 2 Gy: BED = 60 * (1 + 2/10) = 72; EQD2 = 72 / (1 + 2/10) = 60
        (60, 30, 72, 60),
        # d = 2 Gy: BED = 50 * (1 + 2/10) = 60; EQD2 = 60 / 1.2 = 50
        (50, 25, 60, 50),
        # d = 8 Gy: BED = 40 * (1 + 8/10) = 72; EQD2 = 72 / 1.2 = 60
        (40, 5, 72, 60),
    ],
)
def test_bed_and_eqd2_with_alpha_beta_10(total: int, fractions: int, bed: int, eqd2: int) -> None:
    assert (
        biologically_effective_dose(total_dose_gy=total, fractions=fractions, alpha_beta_gy=10)
        == bed
    )
    assert equivalent_dose_2gy(total_dose_gy=total, fractions=fractions, alpha_beta_gy=10) == eqd2


def test_bed_with_alpha_beta_3_for_late_effects() -> None:
    # 40 Gy / 5: BED = 40 * (1 + 8/3) = 146.67; EQD2 = 146.67 / (1 + 2/3) = 88
    assert biologically_effective_dose(total_dose_gy=40, fractions=5, alpha_beta_gy=3) == Fraction(
        440, 3
    )
    assert equivalent_dose_2gy(total_dose_gy=40, fractions=5, alpha_beta_gy=3) == 88


def test_bed_accepts_decimal_and_float_doses() -> None:
    # 50.4 Gy / 28: d = 1.8; BED = 50.4 * 1.18 = 59.472
    assert biologically_effective_dose(
        total_dose_gy=Decimal("50.4"), fractions=28, alpha_beta_gy=10
    ) == Fraction("59.472")
    assert biologically_effective_dose(
        total_dose_gy=50.4, fractions=28, alpha_beta_gy=10.0
    ) == pytest.approx(59.472)


def test_bed_refuses_impossible_fractions_and_alpha_beta() -> None:
    with pytest.raises(ValueError, match="fractions must be a whole number 1 or more"):
        biologically_effective_dose(total_dose_gy=60, fractions=0, alpha_beta_gy=10)
    with pytest.raises(ValueError, match="alpha_beta_gy must be above 0"):
        equivalent_dose_2gy(total_dose_gy=60, fractions=30, alpha_beta_gy=0)
    with pytest.raises(ValueError, match="total_dose_gy must be above 0"):
        biologically_effective_dose(total_dose_gy=-60, fractions=30, alpha_beta_gy=10)


@given(
    total=st.integers(min_value=1, max_value=100),
    fractions=st.integers(min_value=1, max_value=40),
    alpha_beta=st.integers(min_value=1, max_value=20),
)
def test_eqd2_equals_physical_dose_exactly_when_fractions_are_2_gy(
    total: int, fractions: int, alpha_beta: int
) -> None:
    eqd2 = equivalent_dose_2gy(total_dose_gy=total, fractions=fractions, alpha_beta_gy=alpha_beta)
    per_fraction = Fraction(total, fractions)
    assert (eqd2 == total) == (per_fraction == 2)
    assert (eqd2 > total) == (per_fraction > 2)


@pytest.mark.parametrize(
    ("weight", "dose"),
    [(50, 150), (Decimal("59.9"), Decimal("179.7")), (60, 200), (95, 200)],
)
def test_sintilimab_3_mg_per_kg_below_60_kg_and_200_mg_from_60_kg(
    weight: object, dose: object
) -> None:
    assert sintilimab_dose_mg(weight) == dose  # type: ignore[arg-type]


def test_sintilimab_refuses_a_zero_weight() -> None:
    with pytest.raises(ValueError, match="weight_kg must be above 0"):
        sintilimab_dose_mg(0)
