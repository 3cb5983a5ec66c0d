"""Stratified permuted blocks with randomly varying block sizes.

This module owns the pre-generated list of slots for one stratum and the
choice of the next slot (issue 4, Build 2a). The Django layer generates the
list for every stratum before the first allocation, stores it, commits to it
(`commitment`) and hands out slots in order inside one locked transaction.

How a stratum's list is made, so an auditor can regenerate it: one
`RandomStream(secret, "permuted-blocks/" + stratum_key)` (see `stream`) is
read in this order, block after block:

1. the block's size is `block_sizes[below(len(block_sizes))]`, sizes in the
   order given;
2. the block's arms, before shuffling, are each arm in the order given,
   repeated `size * ratio[arm] / sum(ratio)` times;
3. they are shuffled by Fisher-Yates, from the last position down:
   for i = size - 1 .. 1, swap positions i and `below(i + 1)`
   (Knuth, TAOCP vol. 2, §3.4.2, Algorithm P).

Slots are numbered 0, 1, 2, ... across the whole list, blocks 0, 1, 2, ...
The list for n blocks is the first n blocks of the list for any larger n, so
a stratum's list can be extended without changing the slots already issued.

What the method guarantees (Rosenberger & Lachin, Randomization in Clinical
Trials, 2nd ed., Wiley 2016, ch. 3, permuted blocks): every complete block
holds the arms exactly in the ratio, so at each block boundary a stratum's
counts are exactly in the ratio and any departure is confined to the block
in progress; for 1:1 the two arms' counts within a stratum never differ by
more than half the largest block size. Varying the block size at random
keeps anyone who learns a block's size from predicting its last assignments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from oncotrial.allocation.decision import AllocationDecision, ArmId
from oncotrial.allocation.stratum import Stratum
from oncotrial.allocation.stream import RandomStream

BLOCKS_LABEL_PREFIX = "permuted-blocks/"


@dataclass(frozen=True)
class BlockSlot:
    """One pre-generated assignment in a stratum's list."""

    slot: int
    block: int
    block_size: int
    arm: ArmId


def blocks_label(stratum_key: str) -> str:
    """The stream label of a stratum's permuted-block list."""
    return BLOCKS_LABEL_PREFIX + stratum_key


def generate_block_sequence(
    secret: bytes,
    stratum_key: str,
    n_blocks: int,
    block_sizes: Sequence[int],
    arms: Sequence[ArmId],
    ratio: Sequence[int] | None = None,
) -> list[BlockSlot]:
    """The first `n_blocks` permuted blocks of a stratum, as numbered slots.

    `ratio` gives each arm's integer share (default 1 each); every block size
    must be a multiple of `sum(ratio)` so that each block is exactly balanced.
    """
    shares = _check_design(n_blocks, block_sizes, arms, ratio)
    stream = RandomStream(secret, blocks_label(stratum_key))
    total_share = sum(shares)
    slots: list[BlockSlot] = []
    for block in range(n_blocks):
        size = block_sizes[stream.below(len(block_sizes))]
        content = [
            arm
            for arm, share in zip(arms, shares, strict=True)
            for _ in range(size * share // total_share)
        ]
        for i in range(size - 1, 0, -1):
            j = stream.below(i + 1)
            content[i], content[j] = content[j], content[i]
        start = len(slots)
        slots.extend(BlockSlot(start + k, block, size, arm) for k, arm in enumerate(content))
    return slots


def assign_block_slot(
    factor_levels: Mapping[str, str], sequence: Sequence[BlockSlot], used: int
) -> AllocationDecision:
    """Allocate the next slot of a stratum whose first `used` slots are taken.

    `sequence` is the stored list of the participant's stratum. The caller
    holds the stratum's lock, so `used` cannot change underneath it.
    """
    stratum = Stratum.of(factor_levels)
    if used < 0:
        raise ValueError(f"used must be 0 or more, got {used}")
    if used >= len(sequence):
        raise ValueError(
            f"stratum {stratum.key!r} has used all {len(sequence)} pre-generated slots; "
            "extend its block list before allocating"
        )
    slot = sequence[used]
    if slot.slot != used:
        raise ValueError(
            f"slot at position {used} is numbered {slot.slot}: the stored list is out of order"
        )
    return AllocationDecision(
        method="permuted_blocks",
        arm=slot.arm,
        stratum_key=stratum.key,
        factor_levels=stratum.as_dict(),
        slot=slot.slot,
        block=slot.block,
        block_size=slot.block_size,
    )


def _check_design(
    n_blocks: int,
    block_sizes: Sequence[int],
    arms: Sequence[ArmId],
    ratio: Sequence[int] | None,
) -> tuple[int, ...]:
    if n_blocks < 0:
        raise ValueError(f"n_blocks must be 0 or more, got {n_blocks}")
    if len(arms) < 2 or len(set(arms)) != len(arms):
        raise ValueError(f"arms must be at least two distinct ids, got {list(arms)}")
    shares = tuple(ratio) if ratio is not None else (1,) * len(arms)
    if len(shares) != len(arms):
        raise ValueError(f"ratio {list(shares)} must give one share per arm ({len(arms)} arms)")
    if any(not isinstance(s, int) or isinstance(s, bool) or s < 1 for s in shares):
        raise ValueError(f"ratio must be positive integers, got {list(shares)}")
    if not block_sizes:
        raise ValueError("block_sizes must not be empty")
    if len(set(block_sizes)) != len(block_sizes):
        raise ValueError(f"block_sizes must not repeat a size, got {list(block_sizes)}")
    total = sum(shares)
    for size in block_sizes:
        if not isinstance(size, int) or isinstance(size, bool) or size < 1 or size % total:
            raise ValueError(
                f"block size {size!r} must be a positive multiple of sum(ratio) = {total} "
                f"(ratio {list(shares)})"
            )
    return shares
