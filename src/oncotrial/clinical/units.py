"""Laboratory units: the one table of spellings and exact conversion factors.

This module owns every laboratory unit the platform reads: how each is spelled
(with the spellings laboratory systems use), how a typed spelling is normalised,
the kind of quantity it measures (its dimension) and the exact factor to that
dimension's base unit. It also owns the clinical conventions that bridge mass and
substance concentration for creatinine (88.4 µmol/L per mg/dL, clinical-rules.md
§7.4) and bilirubin (17.1 µmol/L per mg/dL). Eligibility (`laboratory`) and
CTCAE grading (`ctcae_labs`) both read it; which units a field accepts stays
with them.

Arithmetic is exact (Fraction), so a value exactly on a threshold stays exactly
on it after conversion. An unknown spelling is refused, never guessed: "109/L"
(a superscript lost in copying) is not read as 10⁹/L, and "G/L" reads as grams
per litre, not giga-cells.

Written by hand: the few conversions needed do not justify a units library, and
the mass-to-substance factors are clinical conventions rather than physics.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType

__all__ = [
    "BILIRUBIN_UMOL_PER_L_PER_MG_PER_DL",
    "CREATININE_UMOL_PER_L_PER_MG_PER_DL",
    "UNITS",
    "Dimension",
    "Unit",
    "UnitError",
    "factor",
    "find",
    "lookup",
    "normalise",
]

CREATININE_UMOL_PER_L_PER_MG_PER_DL = Fraction("88.4")  # §7.4: SCr µmol/L ÷ 88.4 = mg/dL
BILIRUBIN_UMOL_PER_L_PER_MG_PER_DL = Fraction("17.1")


class UnitError(ValueError):
    """A unit that is not known, or not accepted for the field it was given for."""


class Dimension(StrEnum):
    """The kind of quantity a unit measures; units convert exactly within one."""

    COUNT = "cell count"
    MASS = "mass concentration"
    SUBSTANCE = "substance concentration"
    CATALYTIC = "catalytic concentration"

    @property
    def base(self) -> str:
        """The dimension's base unit: the unit every factor converts to."""
        return _BASE[self]


_BASE: Mapping[Dimension, str] = MappingProxyType(
    {
        Dimension.COUNT: "10^9/L",
        Dimension.MASS: "g/L",
        Dimension.SUBSTANCE: "mmol/L",
        Dimension.CATALYTIC: "U/L",
    }
)


@dataclass(frozen=True, slots=True)
class Unit:
    """A laboratory unit: its display spelling, dimension and factor to the base unit."""

    spelling: str
    dimension: Dimension
    factor: Fraction  # a value in this unit times `factor` is the value in `base`

    @property
    def base(self) -> str:
        """The base unit of the unit's dimension."""
        return self.dimension.base


def _units(dimension: Dimension, factors: Mapping[str, Fraction]) -> dict[str, Unit]:
    return {spelling: Unit(spelling, dimension, f) for spelling, f in factors.items()}


# Display spelling -> unit. The display spellings are the choices screening
# forms offer (and stored values), so they keep their exact characters.
UNITS: Mapping[str, Unit] = MappingProxyType(
    {
        **_units(
            Dimension.COUNT,
            {
                "10^9/L": Fraction(1),
                "10^3/µL": Fraction(1),  # 10³/µL = 10⁹/L
                "/µL": Fraction(1, 1000),  # cells per microlitre, the same as per mm³
                "/mm³": Fraction(1, 1000),
            },
        ),
        **_units(
            Dimension.MASS,
            {
                "g/L": Fraction(1),
                "g/dL": Fraction(10),
                "mg/dL": Fraction(1, 100),
                "mg/L": Fraction(1, 1000),
            },
        ),
        **_units(Dimension.SUBSTANCE, {"mmol/L": Fraction(1), "µmol/L": Fraction(1, 1000)}),
        **_units(
            Dimension.CATALYTIC,
            {
                "U/L": Fraction(1),
                "IU/L": Fraction(1),
                "µkat/L": Fraction(60),  # 1 µkat = 1 µmol/s = 60 µmol/min = 60 U, exactly
            },
        ),
    }
)

# Other spellings met in laboratory systems (already normalised) -> display spelling.
# Micro sign or Greek mu, "×" or "x", superscripts, case and spaces are handled by
# `normalise`, so "umol/L", "×10⁹/L" and "/mm3" need no entry here.
_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "x10^9/l": "10^9/L",
        "10*9/l": "10^9/L",  # UCUM
        "10e9/l": "10^9/L",
        "/nl": "10^9/L",
        "x10^3/ul": "10^3/µL",
        "10*3/ul": "10^3/µL",  # UCUM
        "k/ul": "10^3/µL",
        "cells/ul": "/µL",
        "cells/mm3": "/mm³",
        "[iu]/l": "IU/L",  # UCUM
    }
)

_SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_POWER_OF_TEN = re.compile(f"10([{_SUPERSCRIPT_DIGITS}]+)")
_PLAIN_DIGITS = str.maketrans(_SUPERSCRIPT_DIGITS, "0123456789")


def normalise(spelling: str) -> str:
    """The key a unit spelling is matched by: no spaces, caseless, NFKC, µ as u, × as x.

    A superscript power of ten becomes "10^n" before NFKC would flatten it to
    "10n" ("10⁹/L" is "10^9/l"; "109/L" stays "109/l", which is not a unit).
    """
    text = "".join(spelling.split())
    text = _POWER_OF_TEN.sub(lambda m: "10^" + m.group(1).translate(_PLAIN_DIGITS), text)
    text = unicodedata.normalize("NFKC", text)  # full-width forms, mm³ -> mm3, µ -> μ
    return text.replace("\u03bc", "u").replace("\u00d7", "x").casefold()


def _keys() -> dict[str, Unit]:
    keys = {normalise(spelling): unit for spelling, unit in UNITS.items()}
    keys.update({alias: UNITS[spelling] for alias, spelling in _ALIASES.items()})
    return keys


_BY_KEY: Mapping[str, Unit] = MappingProxyType(_keys())


def find(spelling: object) -> Unit | None:
    """The unit a spelling names, or None when it is not text or not a known unit."""
    return _BY_KEY.get(normalise(spelling)) if isinstance(spelling, str) else None


def lookup(
    spelling: object,
    field: str,
    *,
    accepted: Sequence[str] | None = None,
    of: str | None = None,
) -> Unit:
    """The unit a spelling names; a UnitError naming `field` when it is unknown.

    `accepted` limits the result to these display spellings (any spelling of
    them); `of` names what the field measures, for the message.
    """
    if not isinstance(spelling, str):
        raise UnitError(f"{field}: the unit must be text, got {spelling!r}")
    unit = find(spelling)
    allowed = tuple(UNITS) if accepted is None else tuple(accepted)
    if unit is None or unit.spelling not in allowed:
        where = f" for {of}" if of else ""
        raise UnitError(
            f"{field}: unknown unit {spelling!r}{where}; expected one of {', '.join(allowed)}"
        )
    return unit


def factor(
    source: Unit, target: Unit, *, umol_per_l_per_mg_per_dl: Fraction | None = None
) -> Fraction:
    """What a value in `source` is multiplied by to be in `target`, exactly.

    Units of one dimension always convert. Mass and substance concentration
    convert only with the substance's convention, given as µmol/L per mg/dL
    (CREATININE_UMOL_PER_L_PER_MG_PER_DL, BILIRUBIN_UMOL_PER_L_PER_MG_PER_DL).
    """
    ratio = source.factor / target.factor
    if source.dimension is target.dimension:
        return ratio
    pair = {source.dimension, target.dimension}
    if umol_per_l_per_mg_per_dl is None or pair != {Dimension.MASS, Dimension.SUBSTANCE}:
        raise UnitError(
            f"{source.spelling} ({source.dimension}) does not convert to "
            f"{target.spelling} ({target.dimension}) without a molar mass"
        )
    # 1 g/L = 100 mg/dL = 100 × k µmol/L = k/10 mmol/L, for k µmol/L per mg/dL.
    mmol_per_l_per_g_per_l = umol_per_l_per_mg_per_dl / 10
    if source.dimension is Dimension.MASS:
        return ratio * mmol_per_l_per_g_per_l
    return ratio / mmol_per_l_per_g_per_l
