"""Physiological plausibility of entered values: the guard against typos and
wrong units at data entry.

A value outside these ranges is not a clinical finding but almost surely an
entry error (a haemoglobin of 9.5 typed in g/L meant g/dL). The ranges are
deliberately wide — they bound what is survivable, not what is normal — so a
true extreme result is never refused. They are the project's own data-entry
limits, not a clinical rule; the eligibility thresholds live in the protocol.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Final

from oncotrial.clinical.laboratory import Analyte, LabValue, canonical_unit, convert, to_canonical
from oncotrial.text import Message, gettext_noop

# Inclusive limits in each analyte's canonical unit.
LAB_LIMITS: Final[dict[Analyte, tuple[Fraction, Fraction]]] = {
    Analyte.ANC: (Fraction(0), Fraction(100)),  # 10^9/L
    Analyte.WBC: (Fraction(0), Fraction(500)),  # 10^9/L
    Analyte.LYMPHOCYTES: (Fraction(0), Fraction(400)),  # 10^9/L
    Analyte.PLATELETS: (Fraction(0), Fraction(3000)),  # 10^9/L
    Analyte.HAEMOGLOBIN: (Fraction(20), Fraction(250)),  # g/L
    Analyte.CREATININE: (Fraction(10), Fraction(3000)),  # µmol/L
    Analyte.TOTAL_BILIRUBIN: (Fraction(0), Fraction(1000)),  # µmol/L
    Analyte.ALT: (Fraction(0), Fraction(20000)),  # U/L
    Analyte.AST: (Fraction(0), Fraction(20000)),  # U/L
}

BODY_LIMITS: Final[dict[str, tuple[Fraction, Fraction, str]]] = {
    "weight_kg": (Fraction(20), Fraction(300), "kg"),
    "height_cm": (Fraction(100), Fraction(230), "cm"),
}


def lab_problem(value: LabValue, analyte: Analyte | str) -> Message | None:
    """Why `value` cannot be a real result for `analyte`, or None when it can."""
    analyte = Analyte(analyte)
    low, high = LAB_LIMITS[analyte]
    canonical = to_canonical(value, analyte)
    if low <= canonical <= high:
        return None
    unit = value.unit
    low_in_unit = convert(LabValue(low, canonical_unit(analyte)), analyte, unit)
    high_in_unit = convert(LabValue(high, canonical_unit(analyte)), analyte, unit)
    return Message(
        gettext_noop(
            "%(value)s %(unit)s is outside the possible range %(low)s–%(high)s %(unit)s: "
            "check the value and its unit."
        ),
        {
            "value": value.value,
            "unit": unit,
            "low": _short(low_in_unit),
            "high": _short(high_in_unit),
        },
    )


def body_problem(name: str, value: Fraction | float | int) -> Message | None:
    """Why a body measurement (`weight_kg`, `height_cm`) cannot be right, or None."""
    low, high, unit = BODY_LIMITS[name]
    if low <= Fraction(str(value)) <= high:
        return None
    return Message(
        gettext_noop("%(value)s %(unit)s is outside the possible range %(low)s–%(high)s %(unit)s."),
        {"value": value, "unit": unit, "low": _short(low), "high": _short(high)},
    )


def _short(value: Fraction) -> str:
    text = f"{float(value):.4g}"
    return text
