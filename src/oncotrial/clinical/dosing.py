"""Dose calculations: body surface area, creatinine clearance, carboplatin, BED/EQD2, sintilimab.

This module owns the formulas of clinical-rules.md §7.2-§7.4. Each takes and
returns plain numbers; an impossible input is a ValueError naming the argument.
Local policies the notes leave open (BSA caps, obese-weight choice, rounding to
vial sizes) are not applied here: the caller chooses the inputs, and where a
policy has a usual value (the GFR cap) it is a parameter.

Exact inputs (int, Fraction, Decimal) give exact results where the formula has no
root or power, so a result compared with a threshold is not at the mercy of float
rounding; float inputs give float results.

Written by hand: each formula is one line of published arithmetic.
"""

from __future__ import annotations

import math
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

Number = int | float | Decimal | Fraction

COCKCROFT_GAULT_FEMALE_FACTOR = Fraction(85, 100)
DEFAULT_GFR_CAP_ML_PER_MIN = 125  # FDA 2010 recommendation for estimated GFR (§7.4)


class Sex(StrEnum):
    """Sex as used by the Cockcroft-Gault formula."""

    FEMALE = "female"
    MALE = "male"


def _number(argument: str, value: Number, *, allow_zero: bool = False) -> int | float | Fraction:
    """The value checked finite and positive (or zero when allowed); Decimal becomes Fraction."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | Fraction):
        raise ValueError(f"{argument} must be a number, got {value!r}")
    if isinstance(value, float | Decimal) and not math.isfinite(value):
        raise ValueError(f"{argument} must be a finite number, got {value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        bound = "0 or more" if allow_zero else "above 0"
        raise ValueError(f"{argument} must be {bound}, got {value!r}")
    return Fraction(value) if isinstance(value, Decimal) else value


def bsa_mosteller(height_cm: Number, weight_kg: Number) -> float:
    """Body surface area in m², Mosteller: √(height_cm × weight_kg / 3600) (§7.4)."""
    height = _number("height_cm", height_cm)
    weight = _number("weight_kg", weight_kg)
    return math.sqrt(height * weight / 3600)


def bsa_dubois(height_cm: Number, weight_kg: Number) -> float:
    """Body surface area in m², DuBois: 0.007184 × height_cm^0.725 × weight_kg^0.425 (§7.4)."""
    height = float(_number("height_cm", height_cm))
    weight = float(_number("weight_kg", weight_kg))
    return 0.007184 * height**0.725 * weight**0.425


def cockcroft_gault(
    *,
    age_years: Number,
    weight_kg: Number,
    serum_creatinine_mg_per_dl: Number,
    sex: Sex | str,
) -> int | float | Fraction:
    """Creatinine clearance in mL/min (§7.4).

    (140 − age) × weight / (72 × serum creatinine in mg/dL), × 0.85 for a woman.
    Creatinine in µmol/L is divided by 88.4 first (see `laboratory.convert`). The
    weight (actual or adjusted) and any creatinine floor are the caller's policy.
    """
    age = _number("age_years", age_years, allow_zero=True)
    if age >= 140:
        raise ValueError(f"age_years must be below 140 for Cockcroft-Gault, got {age_years!r}")
    weight = _number("weight_kg", weight_kg)
    creatinine = _number("serum_creatinine_mg_per_dl", serum_creatinine_mg_per_dl)
    try:
        sex = Sex(sex)
    except ValueError:
        raise ValueError(f"sex must be 'female' or 'male', got {sex!r}") from None
    clearance = (Fraction(140) - age) * weight / (72 * creatinine)  # exact unless a float came in
    return clearance * COCKCROFT_GAULT_FEMALE_FACTOR if sex is Sex.FEMALE else clearance


def carboplatin_dose_calvert(
    *,
    target_auc: Number,
    gfr_ml_per_min: Number,
    gfr_cap_ml_per_min: Number = DEFAULT_GFR_CAP_ML_PER_MIN,
) -> int | float | Fraction:
    """Carboplatin dose in mg (not mg/m²): AUC × (GFR + 25), GFR capped (§7.4).

    With the default cap of 125 mL/min the largest dose is AUC × 150
    (AUC 5 → 750 mg).
    """
    auc = _number("target_auc", target_auc)
    gfr = _number("gfr_ml_per_min", gfr_ml_per_min, allow_zero=True)
    cap = _number("gfr_cap_ml_per_min", gfr_cap_ml_per_min)
    return auc * (min(gfr, cap) + 25)


def biologically_effective_dose(
    *, total_dose_gy: Number, fractions: int, alpha_beta_gy: Number
) -> int | float | Fraction:
    """BED in Gy, linear-quadratic model: n·d·(1 + d/(α/β)), d = total / n (§7.3)."""
    total = _number("total_dose_gy", total_dose_gy)
    if isinstance(fractions, bool) or not isinstance(fractions, int) or fractions < 1:
        raise ValueError(f"fractions must be a whole number 1 or more, got {fractions!r}")
    alpha_beta = _number("alpha_beta_gy", alpha_beta_gy)
    # Fraction keeps whole-number inputs exact; a float stays a float.
    per_fraction = Fraction(total) / fractions if isinstance(total, int) else total / fractions
    return total * (1 + per_fraction / alpha_beta)


def equivalent_dose_2gy(
    *, total_dose_gy: Number, fractions: int, alpha_beta_gy: Number
) -> int | float | Fraction:
    """EQD2 in Gy: BED / (1 + 2/(α/β)) (§7.3)."""
    bed = biologically_effective_dose(
        total_dose_gy=total_dose_gy, fractions=fractions, alpha_beta_gy=alpha_beta_gy
    )
    alpha_beta = _number("alpha_beta_gy", alpha_beta_gy)
    return bed / (1 + Fraction(2) / alpha_beta)


def sintilimab_dose_mg(
    weight_kg: Number,
    *,
    weight_threshold_kg: Number = 60,
    mg_per_kg_below_threshold: Number = 3,
    flat_dose_mg: Number = 200,
) -> int | float | Fraction:
    """Sintilimab dose in mg every 3 weeks (ORIENT-15, §7.2).

    Below 60 kg: 3 mg/kg; at 60 kg or more: a flat 200 mg.
    """
    weight = _number("weight_kg", weight_kg)
    threshold = _number("weight_threshold_kg", weight_threshold_kg)
    per_kg = _number("mg_per_kg_below_threshold", mg_per_kg_below_threshold)
    flat = _number("flat_dose_mg", flat_dose_mg)
    return flat if weight >= threshold else per_kg * weight
