"""Allocation of eligible participants: the cohort they join and their arm.

This module owns the randomized / preference split and hands randomized
participants to the platform's own allocator (`oncotrial.allocation`):
minimization (`minimize` with the trial's pre-generated
`minimization_draws`) or stratified permuted blocks, as the protocol's
`[allocation]` says, with the factors it names. The allocator's secret is
derived from the cohort's seed (`stream.derive_secret`), so a synthetic
cohort is reproducible; it is not a secret, and never a trial's.

Preference participants choose their arm (rules §1.4, §9.2) and get no
allocation decision, as in the platform (`allocation.decision`). Only
randomized participants count towards the minimization margins: the
preference cohort is analysed apart.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence

from oncotrial.allocation.blocks import BlockSlot, assign_block_slot, generate_block_sequence
from oncotrial.allocation.decision import AllocationDecision
from oncotrial.allocation.minimization import (
    MinimizationSettings,
    minimization_draws,
    minimize,
)
from oncotrial.allocation.stratum import Stratum
from oncotrial.allocation.stream import derive_secret
from oncotrial.clinical.staging import metastatic_organ_count
from oncotrial.design.cohort.draws import chance, stream
from oncotrial.design.cohort.journeys import Allocation, Screening
from oncotrial.design.cohort.scenario import Scenario
from oncotrial.protocol.schema import Protocol

RANDOMIZED = "randomized"
PREFERENCE = "preference"


def cohort_secret(seed: int, trial: str) -> bytes:
    """The allocator's secret for a synthetic cohort: derived from the seed, so reproducible."""
    master = hashlib.sha256(f"oncotrial.design.cohort/seed/{seed}".encode()).digest()
    return derive_secret(master, trial)


def count_level(count: int, levels: Sequence[str]) -> str:
    """The factor level of a count: "2" matches 2 exactly, "2+" matches 2 or more."""
    best = None
    for level in levels:
        if level.endswith("+") and level[:-1].isdigit() and count >= int(level[:-1]):
            if best is None or int(level[:-1]) > int(best[:-1]):
                best = level
        elif level.isdigit() and int(level) == count:
            return level
    if best is None:
        raise ValueError(f"no level of {list(levels)} covers a count of {count}")
    return best


class Allocator:
    """Allocates participants in allocation order, keeping the allocator's state."""

    def __init__(self, protocol: Protocol, scenario: Scenario, seed: int, capacity: int) -> None:
        self.protocol = protocol
        self.scenario = scenario
        self.seed = seed
        self.secret = cohort_secret(seed, protocol.trial.acronym)
        design = protocol.allocation
        self.arms = tuple(arm.id for arm in protocol.arms)
        self.factors = tuple(design.factors)
        self.method = design.method
        self.minimization = (
            MinimizationSettings.from_protocol(
                self.arms,
                [(factor.id, factor.weight) for factor in self.factors],
                design.minimizer_probability,
                design.imbalance,
                design.ratio,
            )
            if design.method == "minimization"
            else None
        )
        self.draws = minimization_draws(self.secret, capacity) if self.minimization else ()
        self.counts: dict[str, dict[str, dict[str, int]]] = {f.id: {} for f in self.factors}
        self.blocks: dict[str, list[BlockSlot]] = {}
        self.used: dict[str, int] = {}
        self.randomized = 0
        self.allocated = 0
        intents = {arm.radiotherapy_intent: arm.id for arm in protocol.arms}
        self.consolidation = intents["consolidation"]
        self.salvage = intents["salvage"]

    def factor_levels(self, site: str, screening: Screening) -> dict[str, str]:
        """The participant's level of each allocation factor the protocol names."""
        levels = {}
        for factor in self.factors:
            if factor.source == "site":
                levels[factor.id] = site
            elif factor.source == "induction_response":
                levels[factor.id] = screening.induction.response
            else:
                count = metastatic_organ_count(screening.metastases)
                levels[factor.id] = count_level(count, factor.levels or ())
        return levels

    def allocate(self, index: int, site: str, screening: Screening, day: dt.date) -> Allocation:
        """Candidate `index` joins a cohort and gets an arm on `day`."""
        rng = stream(self.seed, "assignment", index)
        levels = self.factor_levels(site, screening)
        sequence = self.allocated
        self.allocated += 1
        if not chance(rng, self.scenario.cohorts.randomized_share):
            prefers = chance(rng, self.scenario.cohorts.preference_consolidation_share)
            arm = self.consolidation if prefers else self.salvage
            return Allocation(day, PREFERENCE, arm, levels, None, sequence)
        decision = self._randomize(levels)
        return Allocation(day, RANDOMIZED, decision.arm, levels, decision, sequence)

    def _randomize(self, levels: Mapping[str, str]) -> AllocationDecision:
        if self.minimization is not None:
            index = self.randomized
            decision = minimize(
                levels, self.counts, self.minimization, self.draws[index], draw_index=index
            )
            # The margins the allocator reads: randomized participants per level and arm.
            for factor in self.factors:
                by_arm = self.counts[factor.id].setdefault(levels[factor.id], {})
                by_arm[decision.arm] = by_arm.get(decision.arm, 0) + 1
        else:
            decision = self._next_block_slot(levels)
        self.randomized += 1
        return decision

    def _next_block_slot(self, levels: Mapping[str, str]) -> AllocationDecision:
        design = self.protocol.allocation
        key = Stratum.of(levels).key
        used = self.used.get(key, 0)
        sequence = self.blocks.get(key, [])
        if used >= len(sequence):
            # A longer list starts with the shorter one (blocks module), so extending is safe.
            n_blocks = max(4, 2 * (len(sequence) // min(design.block_sizes) + 1))
            sequence = generate_block_sequence(
                self.secret, key, n_blocks, design.block_sizes, self.arms, design.ratio
            )
            self.blocks[key] = sequence
        self.used[key] = used + 1
        return assign_block_slot(levels, sequence, used)
