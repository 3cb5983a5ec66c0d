"""Strata: a participant's combination of allocation-factor levels.

This module owns how factor levels are checked and how a stratum is named.
The factors themselves (site, response to induction, number of metastatic
organ sites for ESO-RT) come from `[allocation.factors]` in the protocol
file, never from code.

The stratum key is the factor ids in code-point order, each written
`id=level`, joined by `;` (e.g. `induction_response=PR;metastatic_organs=1;site=01`).
Sorting makes the key independent of the order the factors are listed in;
the unstratified stratum (no factors) has the empty key. Ids and levels may
not contain `;`, `=` or control characters, so a key names one stratum only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

_RESERVED = frozenset(";=")


@dataclass(frozen=True)
class Stratum:
    """One combination of factor levels, as sorted (factor id, level) pairs."""

    levels: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, factor_levels: Mapping[str, str]) -> Stratum:
        """The stratum of a participant with these factor levels."""
        for factor, level in factor_levels.items():
            _check_name(factor, "factor id")
            _check_name(level, f"level of factor {factor!r}")
        return cls(tuple(sorted(factor_levels.items())))

    @property
    def key(self) -> str:
        """The stratum's name, stored with each allocation and used as a stream label."""
        return ";".join(f"{factor}={level}" for factor, level in self.levels)

    def as_dict(self) -> dict[str, str]:
        """Factor id -> level."""
        return dict(self.levels)


def _check_name(value: object, what: str) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, got {type(value).__name__}: {value!r}")
    if not value:
        raise ValueError(f"{what} must not be empty")
    bad = [c for c in value if c in _RESERVED or ord(c) < 0x20 or ord(c) == 0x7F]
    if bad:
        raise ValueError(
            f"{what} {value!r} contains {bad[0]!r}; ';', '=' and control characters are reserved"
        )
