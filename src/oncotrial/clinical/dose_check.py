"""Is an entered dose within the range the protocol expects for its agent?

Pure. The expected range comes from the protocol's `dosing` table (rules
§7.1, §7.2) and the participant's body surface area, weight or renal
clearance; the formulas are `oncotrial.clinical.dosing`'s. A dose outside the
range is not refused — oncologists reduce doses — but it needs the person
entering it to confirm it (issue: "never silently accepted").
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from oncotrial.clinical.dosing import carboplatin_dose_calvert, sintilimab_dose_mg
from oncotrial.text import Message, gettext_noop


def _decimal(value: Decimal | Fraction | int | float) -> Decimal:
    """A dosing result as a Decimal; the formulas return exact Fractions for exact inputs."""
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(str(value))


@dataclass(frozen=True)
class ExpectedDose:
    low_mg: Decimal
    high_mg: Decimal


def expected_dose(
    *,
    basis: str,
    low: float,
    high: float,
    tolerance_percent: float,
    bsa_m2: Decimal | None = None,
    weight_kg: Decimal | None = None,
    gfr_ml_per_min: Decimal | None = None,
) -> ExpectedDose | None:
    """The acceptable dose range in mg, or None when a needed measure is missing."""
    lo, hi = Decimal(str(low)), Decimal(str(high))
    if basis == "mg_per_m2":
        if bsa_m2 is None:
            return None
        lo, hi = lo * bsa_m2, hi * bsa_m2
    elif basis == "mg_per_kg":
        if weight_kg is None:
            return None
        lo, hi = lo * weight_kg, hi * weight_kg
    elif basis == "auc":
        if gfr_ml_per_min is None:
            return None
        lo = _decimal(carboplatin_dose_calvert(target_auc=lo, gfr_ml_per_min=gfr_ml_per_min))
        hi = _decimal(carboplatin_dose_calvert(target_auc=hi, gfr_ml_per_min=gfr_ml_per_min))
    elif basis == "sintilimab_weight_band":
        if weight_kg is None:
            return None
        lo = hi = _decimal(sintilimab_dose_mg(weight_kg))
    elif basis != "flat":
        raise ValueError(f"unknown dosing basis {basis!r}")
    margin = Decimal(str(tolerance_percent)) / 100
    return ExpectedDose(lo * (1 - margin), hi * (1 + margin))


def dose_warning(agent: str, dose_mg: Decimal, expected: ExpectedDose | None) -> Message | None:
    """Why `dose_mg` needs confirmation, or None when it lies in the expected range."""
    if expected is None:
        return Message(
            gettext_noop(
                "The expected %(agent)s dose cannot be computed (height, weight or creatinine "
                "clearance missing): confirm the dose."
            ),
            {"agent": agent},
        )
    if expected.low_mg <= dose_mg <= expected.high_mg:
        return None
    return Message(
        gettext_noop(
            "%(dose)s mg of %(agent)s is outside the expected %(low)s–%(high)s mg: confirm the "
            "dose if it is intended."
        ),
        {
            "dose": dose_mg,
            "agent": agent,
            "low": round(expected.low_mg),
            "high": round(expected.high_mg),
        },
    )
