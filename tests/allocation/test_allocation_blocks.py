"""Stratified permuted blocks: balance, slot numbering, randomness (allocation.blocks).

Guarantee tested (blocks module docstring; issue 4 "Done when"): within a
stratum, at any point, the two arms' counts never differ by more than half
the largest block size; every block is exactly balanced; slots are
numbered without gaps or repeats.
"""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from oncotrial.allocation.blocks import (
    BlockSlot,
    assign_block_slot,
    blocks_label,
    generate_block_sequence,
)
from oncotrial.allocation.stratum import Stratum

SECRET = b"eso-rt installation secret 0001"
ARMS = ("consolidation", "salvage")
N_PARTICIPANTS = 10_000


def _strata() -> list[dict[str, str]]:
    return [
        {"site": site, "induction_response": response, "metastatic_organs": organs}
        for site, response, organs in itertools.product(
            ["01", "02", "03"], ["CR", "PR", "SD"], ["1", "2+"]
        )
    ]


@pytest.mark.parametrize("block_sizes", [[2, 4], [4, 6, 8]])
def test_ten_thousand_participants_stay_within_half_the_largest_block(
    block_sizes: list[int],
) -> None:
    strata = _strata()
    rng = np.random.default_rng(20231016)
    # Uneven stratum sizes, as at real sites.
    weights = rng.dirichlet(np.ones(len(strata)))
    chosen = rng.choice(len(strata), size=N_PARTICIPANTS, p=weights)
    needed = np.bincount(chosen, minlength=len(strata))
    sequences = {
        Stratum.of(levels).key: generate_block_sequence(
            SECRET, Stratum.of(levels).key, int(n) // min(block_sizes) + 1, block_sizes, ARMS
        )
        for levels, n in zip(strata, needed, strict=True)
    }
    used: Counter[str] = Counter()
    issued: dict[str, list[tuple[int, int, str]]] = {key: [] for key in sequences}
    for index in chosen:
        levels = strata[index]
        key = Stratum.of(levels).key
        decision = assign_block_slot(levels, sequences[key], used[key])
        used[key] += 1
        issued[key].append((decision.slot, decision.block, decision.arm))

    half_largest = max(block_sizes) // 2
    for key, slots in issued.items():
        numbers = [slot for slot, _, _ in slots]
        assert numbers == list(range(len(slots))), f"{key}: slots skipped or reused"
        signs = np.array([1 if arm == ARMS[0] else -1 for _, _, arm in slots])
        running = np.cumsum(signs)
        assert np.abs(running).max(initial=0) <= half_largest, key
        by_block: dict[int, list[str]] = {}
        for _, block, arm in slots:
            by_block.setdefault(block, []).append(arm)
        assert sorted(by_block) == list(range(len(by_block))), f"{key}: a block was skipped"
        complete = [arms for block, arms in by_block.items() if block < max(by_block)]
        assert all(arms.count(ARMS[0]) == arms.count(ARMS[1]) for arms in complete), key

    total = sum(arm == ARMS[0] for slots in issued.values() for _, _, arm in slots)
    assert stats.binomtest(total, N_PARTICIPANTS, 0.5).pvalue > 0.001
    assert sum(used.values()) == N_PARTICIPANTS


def test_every_generated_block_is_exactly_balanced_and_numbered() -> None:
    slots = generate_block_sequence(SECRET, "site=01", 500, [2, 4], ARMS)
    assert [s.slot for s in slots] == list(range(len(slots)))
    for _, group in itertools.groupby(slots, key=lambda s: s.block):
        members = list(group)
        assert len(members) == members[0].block_size
        assert Counter(s.arm for s in members) == {
            ARMS[0]: len(members) // 2,
            ARMS[1]: len(members) // 2,
        }
    assert [b for b, _ in itertools.groupby(s.block for s in slots)] == list(range(500))


def test_block_sizes_are_chosen_uniformly() -> None:
    slots = generate_block_sequence(SECRET, "site=01", 3_000, [2, 4, 6], ARMS)
    sizes = Counter(
        s.block_size for s in slots if s.slot == 0 or s.block != slots[s.slot - 1].block
    )
    assert stats.chisquare([sizes[2], sizes[4], sizes[6]]).pvalue > 0.001


def test_every_arrangement_of_a_block_is_equally_likely() -> None:
    # Fisher-Yates gives each of the 6 arrangements of a block of 4 with
    # probability 1/6; a biased shuffle would not.
    slots = generate_block_sequence(SECRET, "site=02", 3_000, [4], ARMS)
    patterns = Counter(
        tuple(s.arm for s in group) for _, group in itertools.groupby(slots, key=lambda s: s.block)
    )
    assert len(patterns) == 6
    assert stats.chisquare(list(patterns.values())).pvalue > 0.001


def test_the_first_slot_of_a_block_is_either_arm_with_probability_one_half() -> None:
    slots = generate_block_sequence(SECRET, "site=03", 4_000, [2, 4], ARMS)
    firsts = [s.arm for s in slots if s.slot == 0 or s.block != slots[s.slot - 1].block]
    assert stats.binomtest(firsts.count(ARMS[0]), len(firsts), 0.5).pvalue > 0.001


def test_same_inputs_give_the_same_list_and_other_inputs_another() -> None:
    a = generate_block_sequence(SECRET, "site=01", 50, [2, 4], ARMS)
    assert a == generate_block_sequence(SECRET, "site=01", 50, [2, 4], ARMS)
    assert a != generate_block_sequence(
        b"another installation secret!!", "site=01", 50, [2, 4], ARMS
    )
    assert a != generate_block_sequence(SECRET, "site=02", 50, [2, 4], ARMS)


def test_extending_a_list_keeps_the_slots_already_generated() -> None:
    short = generate_block_sequence(SECRET, "site=01", 40, [2, 4], ARMS)
    long = generate_block_sequence(SECRET, "site=01", 90, [2, 4], ARMS)
    assert long[: len(short)] == short


def test_blocks_use_the_stratum_label() -> None:
    assert blocks_label("site=01") == "permuted-blocks/site=01"


@settings(max_examples=60, deadline=None)
@given(
    secret=st.binary(min_size=16, max_size=40),
    n_arms=st.integers(min_value=2, max_value=4),
    data=st.data(),
)
def test_any_design_gives_exactly_balanced_blocks(
    secret: bytes, n_arms: int, data: st.DataObject
) -> None:
    arms = [f"arm{i}" for i in range(n_arms)]
    ratio = data.draw(st.lists(st.integers(1, 3), min_size=n_arms, max_size=n_arms))
    multiples = data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=3, unique=True))
    block_sizes = [m * sum(ratio) for m in multiples]
    n_blocks = data.draw(st.integers(0, 25))
    slots = generate_block_sequence(secret, "stratum", n_blocks, block_sizes, arms, ratio)

    assert [s.slot for s in slots] == list(range(len(slots)))
    counts = dict.fromkeys(arms, 0)
    seen_blocks = 0
    for block, group in itertools.groupby(slots, key=lambda s: s.block):
        members = list(group)
        assert block == seen_blocks
        seen_blocks += 1
        size = members[0].block_size
        assert size in block_sizes and len(members) == size
        composition = Counter(s.arm for s in members)
        assert all(
            composition[a] == size * r // sum(ratio) for a, r in zip(arms, ratio, strict=True)
        )
        for s in members:
            counts[s.arm] += 1
        # At a block boundary the stratum's counts are exactly in the ratio.
        total = sum(counts.values())
        assert all(counts[a] * sum(ratio) == total * r for a, r in zip(arms, ratio, strict=True))
    assert seen_blocks == n_blocks


@settings(max_examples=60, deadline=None)
@given(
    secret=st.binary(min_size=16, max_size=40),
    halves=st.lists(st.integers(1, 5), min_size=1, max_size=3, unique=True),
)
def test_any_one_to_one_design_stays_within_half_the_largest_block(
    secret: bytes, halves: list[int]
) -> None:
    block_sizes = [2 * h for h in halves]
    slots = generate_block_sequence(secret, "stratum", 30, block_sizes, ARMS)
    running = np.cumsum([1 if s.arm == ARMS[0] else -1 for s in slots])
    assert np.abs(running).max() <= max(block_sizes) // 2


@pytest.mark.parametrize(
    ("block_sizes", "ratio", "message"),
    [
        ([3], [1, 1], "multiple of sum"),
        ([2, 2], [1, 1], "repeat"),
        ([], [1, 1], "empty"),
        ([6], [2, 1, 1], "one share per arm"),
        ([4], [0, 1], "positive integers"),
    ],
)
def test_a_bad_design_is_refused_with_its_rule(
    block_sizes: list[int], ratio: list[int], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        generate_block_sequence(SECRET, "site=01", 1, block_sizes, ARMS, ratio)


def test_an_exhausted_stratum_is_refused() -> None:
    levels = {"site": "01"}
    slots = generate_block_sequence(SECRET, Stratum.of(levels).key, 1, [2], ARMS)
    assign_block_slot(levels, slots, 1)
    with pytest.raises(ValueError, match="used all 2"):
        assign_block_slot(levels, slots, 2)


def test_an_out_of_order_list_is_refused() -> None:
    slots = [BlockSlot(1, 0, 2, ARMS[0]), BlockSlot(0, 0, 2, ARMS[1])]
    with pytest.raises(ValueError, match="out of order"):
        assign_block_slot({"site": "01"}, slots, 0)


def test_a_block_decision_records_stratum_and_slot() -> None:
    levels = {"site": "02", "induction_response": "PR"}
    slots = generate_block_sequence(SECRET, Stratum.of(levels).key, 3, [2, 4], ARMS)
    decision = assign_block_slot(levels, slots, 1)
    assert decision.method == "permuted_blocks"
    assert decision.stratum_key == "induction_response=PR;site=02"
    assert (decision.slot, decision.block, decision.arm) == (1, slots[1].block, slots[1].arm)
    assert decision.draw is None and decision.imbalance_scores is None
