"""The allocation decision: what the allocator decided and from what.

This module owns the record the Django layer stores for every randomized
allocation (issue 4, "Record for audit": factor values, stratum, the random
draw or block slot, imbalance scores). It holds plain values only, so
`to_record()` fits a JSON column and `from_record()` reads it back; with the
stored draws or block sequence, it is enough to recompute the decision.

A participant who declines randomization and chooses an arm (the preference
cohort) gets no `AllocationDecision`: no random element is involved, and the
choice, its reason and its cohort are recorded by the Django layer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

ArmId = str
"""An arm's id as the protocol file names it (e.g. "consolidation")."""

AllocationMethod = Literal["permuted_blocks", "minimization"]
ALLOCATION_METHODS: tuple[AllocationMethod, ...] = ("permuted_blocks", "minimization")


@dataclass(frozen=True)
class AllocationDecision:
    """One randomized allocation, with everything needed to audit it.

    Permuted blocks fill `slot`, `block` and `block_size`; minimization fills
    `draw_index`, `draw`, `imbalance_scores`, `minimizing_arms`, `tie` and
    `probabilities`. The fields of the other method are None.
    """

    method: AllocationMethod
    arm: ArmId
    stratum_key: str
    factor_levels: Mapping[str, str]
    slot: int | None = None
    block: int | None = None
    block_size: int | None = None
    draw_index: int | None = None
    draw: int | None = None
    imbalance_scores: Mapping[ArmId, float] | None = None
    minimizing_arms: tuple[ArmId, ...] | None = None
    tie: bool | None = None
    probabilities: Mapping[ArmId, float] | None = None

    def __post_init__(self) -> None:
        if self.method not in ALLOCATION_METHODS:
            raise ValueError(f"method must be one of {ALLOCATION_METHODS}, got {self.method!r}")
        needed = (
            ("slot", "block", "block_size")
            if self.method == "permuted_blocks"
            else ("draw_index", "draw", "imbalance_scores", "minimizing_arms", "tie")
        )
        missing = [name for name in needed if getattr(self, name) is None]
        if missing:
            raise ValueError(f"a {self.method} decision needs {', '.join(missing)}")

    def to_record(self) -> dict[str, Any]:
        """The decision as JSON-ready plain values (dicts, lists, str, int, float, bool, None)."""
        return {
            "method": self.method,
            "arm": self.arm,
            "stratum_key": self.stratum_key,
            "factor_levels": dict(self.factor_levels),
            "slot": self.slot,
            "block": self.block,
            "block_size": self.block_size,
            "draw_index": self.draw_index,
            "draw": self.draw,
            "imbalance_scores": _plain(self.imbalance_scores),
            "minimizing_arms": None if self.minimizing_arms is None else list(self.minimizing_arms),
            "tie": self.tie,
            "probabilities": _plain(self.probabilities),
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> AllocationDecision:
        """Read back what `to_record()` wrote."""
        arms = record.get("minimizing_arms")
        return cls(
            method=record["method"],
            arm=record["arm"],
            stratum_key=record["stratum_key"],
            factor_levels=dict(record["factor_levels"]),
            slot=record.get("slot"),
            block=record.get("block"),
            block_size=record.get("block_size"),
            draw_index=record.get("draw_index"),
            draw=record.get("draw"),
            imbalance_scores=_plain(record.get("imbalance_scores")),
            minimizing_arms=None if arms is None else tuple(arms),
            tie=record.get("tie"),
            probabilities=_plain(record.get("probabilities")),
        )


def _plain(values: Mapping[ArmId, float] | None) -> dict[ArmId, float] | None:
    return None if values is None else {arm: float(v) for arm, v in values.items()}
