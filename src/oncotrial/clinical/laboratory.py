"""Laboratory values with units: conversion to one unit per analyte, and x ULN ratios.

This module owns the analytes eligibility reads, the units accepted for each (with
their common spellings), the conversion factors and the ratio to a site's upper
limit of normal. Arithmetic is exact (fractions), so a value exactly on a
threshold stays exactly on it after conversion. An unknown unit is an error that
names the field; nothing is guessed. Sources: clinical-rules.md §1.3 (thresholds
as usually written) and §7.4 (creatinine 88.4 µmol/L per mg/dL).

Written by hand: the few conversions needed do not justify a units library, and
the factors are clinical conventions rather than physics (bilirubin 17.1).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType

Number = int | float | Decimal | Fraction

CREATININE_UMOL_PER_L_PER_MG_PER_DL = Fraction("88.4")
BILIRUBIN_UMOL_PER_L_PER_MG_PER_DL = Fraction("17.1")
HAEMOGLOBIN_G_PER_L_PER_G_PER_DL = Fraction(10)
U_PER_L_PER_UKAT_PER_L = Fraction(60)  # 1 µkat = 1 µmol/s = 60 µmol/min = 60 U


class UnitError(ValueError):
    """A unit that is not known for the analyte of a field."""


class Analyte(StrEnum):
    """A laboratory quantity eligibility reads."""

    ANC = "anc"  # absolute neutrophil count
    WBC = "wbc"
    LYMPHOCYTES = "lymphocytes"
    PLATELETS = "platelets"
    HAEMOGLOBIN = "haemoglobin"
    CREATININE = "creatinine"  # serum creatinine
    TOTAL_BILIRUBIN = "total_bilirubin"
    ALT = "alt"
    AST = "ast"


# Units by analyte: display spelling -> factor to the first (canonical) unit.
_COUNTS = {
    "10^9/L": Fraction(1),
    "10^3/µL": Fraction(1),  # 10³/µL = 10⁹/L
    "/µL": Fraction(1, 1000),  # cells per microlitre, the same as per mm³
    "/mm³": Fraction(1, 1000),
}
_MICROMOLAR = "µmol/L"
_UNITS: Mapping[Analyte, Mapping[str, Fraction]] = MappingProxyType(
    {
        Analyte.ANC: _COUNTS,
        Analyte.WBC: _COUNTS,
        Analyte.LYMPHOCYTES: _COUNTS,
        Analyte.PLATELETS: _COUNTS,
        Analyte.HAEMOGLOBIN: {"g/L": Fraction(1), "g/dL": HAEMOGLOBIN_G_PER_L_PER_G_PER_DL},
        Analyte.CREATININE: {
            _MICROMOLAR: Fraction(1),
            "mg/dL": CREATININE_UMOL_PER_L_PER_MG_PER_DL,
            "mmol/L": Fraction(1000),
        },
        Analyte.TOTAL_BILIRUBIN: {
            _MICROMOLAR: Fraction(1),
            "mg/dL": BILIRUBIN_UMOL_PER_L_PER_MG_PER_DL,
        },
        Analyte.ALT: {"U/L": Fraction(1), "IU/L": Fraction(1), "µkat/L": U_PER_L_PER_UKAT_PER_L},
        Analyte.AST: {"U/L": Fraction(1), "IU/L": Fraction(1), "µkat/L": U_PER_L_PER_UKAT_PER_L},
    }
)

# Spellings met in laboratory systems, mapped onto the normalised key.
_ALIASES = {
    "10^9/l": "10^9/l",
    "x10^9/l": "10^9/l",
    "10*9/l": "10^9/l",  # UCUM
    "10e9/l": "10^9/l",
    "/nl": "10^9/l",
    "10^3/ul": "10^3/ul",
    "x10^3/ul": "10^3/ul",
    "10*3/ul": "10^3/ul",
    "k/ul": "10^3/ul",
    "/ul": "/ul",
    "cells/ul": "/ul",
    "/mm3": "/mm3",
    "cells/mm3": "/mm3",
    "iu/l": "iu/l",
    "[iu]/l": "iu/l",  # UCUM
}


def _normalise(unit: str) -> str:
    text = unit.strip().replace(" ", "")
    for old, new in (
        ("\u00b5", "u"),  # micro sign
        ("\u03bc", "u"),  # Greek mu
        ("\u00d7", "x"),  # multiplication sign
        ("10\u2079", "10^9"),
        ("10\u00b3", "10^3"),
        ("\u00b3", "3"),
    ):
        text = text.replace(old, new)
    text = text.lower()
    return _ALIASES.get(text, text)


def known_units(analyte: Analyte | str) -> tuple[str, ...]:
    """The units accepted for an analyte, canonical unit first."""
    return tuple(_UNITS[Analyte(analyte)])


def canonical_unit(analyte: Analyte | str) -> str:
    """The unit every value of the analyte is converted to."""
    return known_units(analyte)[0]


def _factor(analyte: Analyte, unit: str, field: str) -> Fraction:
    if not isinstance(unit, str):
        raise UnitError(f"{field}: the unit must be text, got {unit!r}")
    wanted = _normalise(unit)
    for spelling, factor in _UNITS[analyte].items():
        if _normalise(spelling) == wanted:
            return factor
    allowed = ", ".join(known_units(analyte))
    raise UnitError(
        f"{field}: unknown unit {unit!r} for {analyte.value}; expected one of {allowed}"
    )


def as_fraction(value: Number, field: str) -> Fraction:
    """An exact fraction of a recorded number; a float is read as the decimal it prints as."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | Fraction):
        raise ValueError(f"{field} must be a number, got {value!r}")
    if isinstance(value, float | Decimal) and not math.isfinite(value):
        raise ValueError(f"{field} must be a finite number, got {value!r}")
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


@dataclass(frozen=True)
class LabValue:
    """A laboratory result as recorded: a number and the unit it was reported in."""

    value: Number
    unit: str


def check(value: LabValue, analyte: Analyte | str, *, field: str | None = None) -> None:
    """Raise a ValueError naming `field` if the value is not a number 0 or more in a known unit."""
    analyte = Analyte(analyte)
    field = field or analyte.value
    if not isinstance(value, LabValue):
        raise ValueError(f"{field} must be a LabValue (value and unit), got {value!r}")
    if as_fraction(value.value, field) < 0:
        raise ValueError(f"{field} must not be negative, got {value.value!r}")
    _factor(analyte, value.unit, field)


def to_canonical(value: LabValue, analyte: Analyte | str, *, field: str | None = None) -> Fraction:
    """The value in the analyte's canonical unit (for example µmol/L for creatinine)."""
    analyte = Analyte(analyte)
    field = field or analyte.value
    check(value, analyte, field=field)
    return as_fraction(value.value, field) * _factor(analyte, value.unit, field)


def convert(
    value: LabValue, analyte: Analyte | str, to_unit: str, *, field: str | None = None
) -> Fraction:
    """The value expressed in `to_unit`, which must be a known unit of the analyte."""
    analyte = Analyte(analyte)
    field = field or analyte.value
    return to_canonical(value, analyte, field=field) / _factor(analyte, to_unit, field)


def times_uln(
    value: LabValue,
    upper_limit_of_normal: LabValue,
    analyte: Analyte | str,
    *,
    field: str | None = None,
    uln_field: str | None = None,
) -> Fraction:
    """The value as a multiple of the site's upper limit of normal (units may differ)."""
    analyte = Analyte(analyte)
    field = field or analyte.value
    uln_field = uln_field or f"{field}_uln"
    uln = to_canonical(upper_limit_of_normal, analyte, field=uln_field)
    if uln == 0:
        raise ValueError(f"{uln_field} must be above 0")
    return to_canonical(value, analyte, field=field) / uln
