"""The secret random stream every allocation sequence is drawn from.

This module owns the one source of randomness of the allocation core: a
deterministic stream of 64-bit words derived from a secret and a label.
Nothing else in `oncotrial.allocation` calls `random`, `secrets` or numpy's
generators for an allocation.

Construction: HMAC-SHA256 used as a pseudorandom function in counter mode,
as in the counter-mode key derivation of NIST SP 800-108r1 §4.1 (the idea,
not that standard's exact input format)::

    message(label, i) = b"oncotrial.allocation.v1" || 0x00
                        || UTF-8(label) || 0x00
                        || i as an 8-byte unsigned big-endian integer
    word(label, i)    = first 8 bytes of HMAC-SHA256(secret, message(label, i)),
                        read as an unsigned big-endian integer

for i = 0, 1, 2, ... A label may not contain NUL, so no two (label, i) pairs
share a message. The fixed prefix keeps these messages apart from any other
use of a key.

Why it is unpredictable without the secret: HMAC-SHA256 keyed with a secret
of at least 128 random bits is a pseudorandom function (RFC 2104; FIPS
198-1; Bellare 2006, "New proofs for NMAC and HMAC"). Its outputs on
distinct messages cannot be told apart from independent uniform bytes by
anyone without the key, however many other outputs they have seen, so past
assignments (in any stratum) say nothing about future ones. numpy's
generators (PCG64, MT19937) are not used for this: they are fast statistical
generators whose internal state can be reconstructed from enough outputs,
which would let someone who sees past assignments predict the rest.

Derived values, each documented so an auditor can recompute them:

* `below(n)`: uniform integer in [0, n) by rejection, with no modulo bias:
  take the next word w; if w >= 2**64 - (2**64 mod n) discard it and take
  the next; otherwise return w mod n.
* `derive_secret(secret, purpose)` = HMAC-SHA256(secret,
  b"oncotrial.allocation.derive.v1" || 0x00 || UTF-8(purpose)), all 32 bytes.
* `commitment_nonce(secret)` = HMAC-SHA256(secret,
  b"oncotrial.allocation.commitment-nonce.v1"), all 32 bytes.
* `draw()`: uniform integer in [0, 2**53): the next word shifted right by
  11 bits. A draw u stands for the probability u / 2**53, which a double
  holds exactly; 53 bits also fit a signed 64-bit database column and a
  JSON number that every language reads exactly.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

STREAM_PREFIX = b"oncotrial.allocation.v1\x00"
# Distinct prefixes: no derived key or nonce message can equal a stream message.
DERIVE_PREFIX = b"oncotrial.allocation.derive.v1\x00"
NONCE_MESSAGE = b"oncotrial.allocation.commitment-nonce.v1"
MIN_SECRET_BYTES = 16
DRAW_BITS = 53
DRAW_SCALE = 1 << DRAW_BITS
_WORD_SPAN = 1 << 64


def new_secret() -> bytes:
    """A fresh 256-bit secret from the operating system's CSPRNG (`secrets`)."""
    return secrets.token_bytes(32)


def derive_secret(secret: bytes, purpose: str) -> bytes:
    """A 256-bit secret for one purpose (e.g. one trial) derived from `secret`.

    One installation may run several trials; deriving one secret per trial
    keeps their sequences unrelated while only one secret is kept.
    """
    _check_secret(secret)
    _check_label(purpose, "purpose")
    message = DERIVE_PREFIX + purpose.encode("utf-8")
    return hmac.new(secret, message, hashlib.sha256).digest()


def commitment_nonce(secret: bytes) -> bytes:
    """The 256-bit nonce that makes a commitment hiding (see `commitment`).

    Derived from the secret so nothing else needs storing; revealing it to an
    auditor reveals nothing about the secret or any sequence.
    """
    _check_secret(secret)
    return hmac.new(secret, NONCE_MESSAGE, hashlib.sha256).digest()


class RandomStream:
    """The words of one (secret, label) stream, read in order from `position`.

    Two streams with the same secret and label yield the same values in the
    same order; that is what lets a stored sequence be regenerated and checked.
    """

    def __init__(self, secret: bytes, label: str, position: int = 0) -> None:
        _check_secret(secret)
        _check_label(label, "label")
        if position < 0:
            raise ValueError(f"position must be 0 or more, got {position}")
        self._key = secret
        self._prefix = STREAM_PREFIX + label.encode("utf-8") + b"\x00"
        self.label = label
        self.position = position

    def word(self) -> int:
        """The next 64-bit word (an int in [0, 2**64))."""
        message = self._prefix + self.position.to_bytes(8, "big")
        self.position += 1
        digest = hmac.new(self._key, message, hashlib.sha256).digest()
        return int.from_bytes(digest[:8], "big")

    def below(self, n: int) -> int:
        """A uniform integer in [0, n), without modulo bias."""
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        limit = _WORD_SPAN - (_WORD_SPAN % n)
        while True:
            w = self.word()
            if w < limit:
                return w % n

    def draw(self) -> int:
        """A uniform integer in [0, 2**53); u / 2**53 is a uniform probability."""
        return self.word() >> (64 - DRAW_BITS)


def draws(secret: bytes, label: str, count: int) -> tuple[int, ...]:
    """The first `count` draws of the (secret, label) stream."""
    if count < 0:
        raise ValueError(f"count must be 0 or more, got {count}")
    stream = RandomStream(secret, label)
    return tuple(stream.draw() for _ in range(count))


def _check_secret(secret: bytes) -> None:
    if not isinstance(secret, bytes | bytearray):
        raise TypeError("secret must be bytes")
    if len(secret) < MIN_SECRET_BYTES:
        raise ValueError(
            f"secret must be at least {MIN_SECRET_BYTES} bytes (128 bits), got {len(secret)}"
        )


def _check_label(label: str, name: str) -> None:
    if not isinstance(label, str):
        raise TypeError(f"{name} must be a str")
    if "\x00" in label:
        raise ValueError(f"{name} must not contain NUL")
