"""Laboratory values with units: conversion to one unit per analyte, and x ULN ratios.

This module owns the analytes eligibility reads, the units accepted for each, the
canonical unit each is converted to and the ratio to a site's upper limit of
normal. Unit spellings, their normalisation and the exact conversion factors
(creatinine 88.4 and bilirubin 17.1 µmol/L per mg/dL) belong to
`oncotrial.clinical.units`, shared with CTCAE grading. Arithmetic is exact
(fractions), so a value exactly on a threshold stays exactly on it after
conversion. An unknown unit is an error that names the field; nothing is
guessed. Sources: clinical-rules.md §1.3 (thresholds as usually written) and
§7.4 (creatinine 88.4 µmol/L per mg/dL).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType

from oncotrial.clinical import units
from oncotrial.clinical.units import (
    BILIRUBIN_UMOL_PER_L_PER_MG_PER_DL,
    CREATININE_UMOL_PER_L_PER_MG_PER_DL,
    UnitError,
)

__all__ = [
    "BILIRUBIN_UMOL_PER_L_PER_MG_PER_DL",
    "CREATININE_UMOL_PER_L_PER_MG_PER_DL",
    "Analyte",
    "LabValue",
    "Number",
    "UnitError",
    "as_fraction",
    "canonical_unit",
    "check",
    "convert",
    "known_units",
    "times_uln",
    "to_canonical",
]

Number = int | float | Decimal | Fraction


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


# Units accepted by analyte (display spellings of units.UNITS), canonical unit
# first. The order is the order screening forms offer them.
_COUNTS = ("10^9/L", "10^3/µL", "/µL", "/mm³")
_ENZYME = ("U/L", "IU/L", "µkat/L")
_ACCEPTED: Mapping[Analyte, tuple[str, ...]] = MappingProxyType(
    {
        Analyte.ANC: _COUNTS,
        Analyte.WBC: _COUNTS,
        Analyte.LYMPHOCYTES: _COUNTS,
        Analyte.PLATELETS: _COUNTS,
        Analyte.HAEMOGLOBIN: ("g/L", "g/dL"),
        Analyte.CREATININE: ("µmol/L", "mg/dL", "mmol/L"),
        Analyte.TOTAL_BILIRUBIN: ("µmol/L", "mg/dL"),
        Analyte.ALT: _ENZYME,
        Analyte.AST: _ENZYME,
    }
)
# Mass-to-substance conventions (µmol/L per mg/dL) of the analytes that need one.
_MOLAR: Mapping[Analyte, Fraction] = MappingProxyType(
    {
        Analyte.CREATININE: CREATININE_UMOL_PER_L_PER_MG_PER_DL,
        Analyte.TOTAL_BILIRUBIN: BILIRUBIN_UMOL_PER_L_PER_MG_PER_DL,
    }
)


def _to_canonical_factors(analyte: Analyte) -> Mapping[str, Fraction]:
    canonical = units.UNITS[_ACCEPTED[analyte][0]]
    return MappingProxyType(
        {
            spelling: units.factor(
                units.UNITS[spelling], canonical, umol_per_l_per_mg_per_dl=_MOLAR.get(analyte)
            )
            for spelling in _ACCEPTED[analyte]
        }
    )


# Analyte -> accepted display spelling -> factor to the canonical unit.
_FACTORS: Mapping[Analyte, Mapping[str, Fraction]] = MappingProxyType(
    {analyte: _to_canonical_factors(analyte) for analyte in Analyte}
)


def known_units(analyte: Analyte | str) -> tuple[str, ...]:
    """The units accepted for an analyte, canonical unit first."""
    return _ACCEPTED[Analyte(analyte)]


def canonical_unit(analyte: Analyte | str) -> str:
    """The unit every value of the analyte is converted to."""
    return known_units(analyte)[0]


def _factor(analyte: Analyte, unit: str, field: str) -> Fraction:
    accepted = _ACCEPTED[analyte]
    found = units.lookup(unit, field, accepted=accepted, of=analyte.value)
    return _FACTORS[analyte][found.spelling]


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
