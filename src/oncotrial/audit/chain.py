"""The hash chain over audit events: what is hashed, and how it is checked.

Each event's hash is SHA-256 over a canonical JSON of its content and the
previous event's hash, so altering, inserting or removing any row breaks
every later link. A chain that forks (two events naming the same previous
hash) would still verify row by row, so `verify` also checks that the chain
is linear: sequence numbers run 1, 2, 3 ... and each `prev_hash` is used once
(RECIPES.md, "A hash-chained audit log forks under concurrency").
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def event_hash(content: Mapping[str, Any], prev_hash: str) -> str:
    payload = json.dumps(
        {**content, "prev_hash": prev_hash},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainedEvent:
    seq: int
    content: Mapping[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class Verdict:
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    problem: str = ""


def verify(events: Iterable[ChainedEvent], head_hash: str | None, head_seq: int | None) -> Verdict:
    """Check that `events` (in sequence order) form one unbroken chain ending at the head."""
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    for event in events:
        if event.seq != expected_seq:
            return Verdict(
                False,
                checked,
                expected_seq,
                f"event #{expected_seq} is missing (next is #{event.seq})",
            )
        if event.prev_hash != expected_prev:
            return Verdict(
                False,
                checked,
                event.seq,
                f"event #{event.seq} does not follow event #{event.seq - 1}",
            )
        if event_hash(event.content, event.prev_hash) != event.hash:
            return Verdict(
                False,
                checked,
                event.seq,
                f"event #{event.seq} was altered: its content does not match its hash",
            )
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    last_seq = expected_seq - 1
    if head_seq is not None and head_seq != last_seq:
        return Verdict(
            False,
            checked,
            last_seq + 1,
            f"the chain head is at #{head_seq} but the log ends at #{last_seq}",
        )
    if head_hash is not None and head_hash != expected_prev:
        return Verdict(False, checked, last_seq, f"event #{last_seq} does not match the chain head")
    return Verdict(True, checked)
