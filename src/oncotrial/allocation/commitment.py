"""The SHA-256 commitment to the allocation parameters and sequences.

This module owns the commitment recorded and displayed at trial start
(issue 4, Concealment): anyone can later check that neither the method's
parameters nor a single pre-generated slot or draw changed.

The committed document is the canonical JSON (`canonical`, RFC 8785) of

    {"form": "oncotrial.allocation.commitment/1",
     "nonce": <the nonce, lower-case hex>,
     "parameters": <the method's parameters>,
     "sequences": <every pre-generated sequence>}

and the commitment is the lower-case hex SHA-256 (FIPS 180-4) of its UTF-8
bytes. To recompute it elsewhere: build that object from the revealed
values, canonicalise it with any RFC 8785 implementation and hash the
result with any SHA-256 tool (e.g. `sha256sum`).

The usual contents (the Django layer decides; any JSON-able values work):

* parameters: the method, arms, ratio, block sizes or the
  `MinimizationSettings`, the protocol version, the stream version
  ("oncotrial.allocation.v1");
* sequences: `{"permuted_blocks": {stratum_key: [BlockSlot, ...]}}` with each
  slot written `{"arm":..,"block":..,"block_size":..,"slot":..}`, and/or
  `{"minimization_draws": [draw, ...]}` (integers in [0, 2**53)).

Why a nonce: the commitment is shown to everyone, and a stratum's remaining
list can be short enough to guess; hashing it together with 256 secret bits
(`stream.commitment_nonce`, revealed only with the sequences) keeps the
commitment from confirming a guess (it is hiding as well as binding).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from typing import Any

from oncotrial.allocation.canonical import canonical_bytes

COMMITMENT_FORM = "oncotrial.allocation.commitment/1"
MIN_NONCE_BYTES = 16
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


def commitment_document(
    parameters: Mapping[str, Any], sequences: Mapping[str, Any], *, nonce: bytes
) -> bytes:
    """The exact bytes that are hashed: canonical JSON of the committed object."""
    if not isinstance(nonce, bytes | bytearray) or len(nonce) < MIN_NONCE_BYTES:
        raise ValueError(f"nonce must be at least {MIN_NONCE_BYTES} bytes")
    return canonical_bytes(
        {
            "form": COMMITMENT_FORM,
            "nonce": bytes(nonce).hex(),
            "parameters": parameters,
            "sequences": sequences,
        }
    )


def commitment(parameters: Mapping[str, Any], sequences: Mapping[str, Any], *, nonce: bytes) -> str:
    """The lower-case hex SHA-256 of `commitment_document(...)`."""
    return hashlib.sha256(commitment_document(parameters, sequences, nonce=nonce)).hexdigest()


def verify_commitment(
    parameters: Mapping[str, Any],
    sequences: Mapping[str, Any],
    *,
    nonce: bytes,
    expected: str,
) -> bool:
    """Whether these parameters, sequences and nonce give the recorded commitment."""
    if not isinstance(expected, str) or not _HEX_DIGEST.fullmatch(expected.lower()):
        raise ValueError(f"expected must be 64 hex digits (a SHA-256), got {expected!r}")
    actual = commitment(parameters, sequences, nonce=nonce)
    return hmac.compare_digest(actual, expected.lower())
