"""The secret random stream: determinism, independence, uniformity (allocation.stream)."""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from oncotrial.allocation.blocks import generate_block_sequence
from oncotrial.allocation.stream import (
    DRAW_SCALE,
    RandomStream,
    commitment_nonce,
    derive_secret,
    draws,
    new_secret,
)

SECRET = bytes(range(32))
OTHER_SECRET = bytes(range(1, 33))


def test_same_secret_and_label_give_the_same_draws() -> None:
    assert draws(SECRET, "minimization", 200) == draws(SECRET, "minimization", 200)


def test_a_different_secret_gives_different_draws() -> None:
    a, b = draws(SECRET, "minimization", 200), draws(OTHER_SECRET, "minimization", 200)
    assert sum(x == y for x, y in zip(a, b, strict=True)) == 0


def test_a_different_label_gives_different_draws() -> None:
    a, b = (
        draws(SECRET, "permuted-blocks/site=01", 200),
        draws(SECRET, "permuted-blocks/site=02", 200),
    )
    assert sum(x == y for x, y in zip(a, b, strict=True)) == 0


def test_a_longer_list_extends_a_shorter_one() -> None:
    assert draws(SECRET, "minimization", 300)[:120] == draws(SECRET, "minimization", 120)


def test_words_follow_the_documented_construction() -> None:
    # An auditor's recomputation from the module docstring, with hashlib only.
    message = b"oncotrial.allocation.v1\x00" + b"minimization" + b"\x00" + (2).to_bytes(8, "big")
    digest = hmac.new(SECRET, message, hashlib.sha256).digest()
    stream = RandomStream(SECRET, "minimization", position=2)
    assert stream.word() == int.from_bytes(digest[:8], "big")
    assert draws(SECRET, "minimization", 3)[2] == int.from_bytes(digest[:8], "big") >> 11


def test_derived_secrets_and_nonce_follow_the_documented_construction() -> None:
    derived = hmac.new(SECRET, b"oncotrial.allocation.derive.v1\x00NCT06084897", "sha256").digest()
    nonce = hmac.new(SECRET, b"oncotrial.allocation.commitment-nonce.v1", "sha256").digest()
    assert derive_secret(SECRET, "NCT06084897") == derived
    assert commitment_nonce(SECRET) == nonce
    assert derive_secret(SECRET, "NCT06084897") != derive_secret(SECRET, "NCT00000000")


def test_draws_are_uniform_on_the_unit_interval() -> None:
    u = np.array(draws(new_secret(), "minimization", 10_000)) / DRAW_SCALE
    assert u.min() >= 0 and u.max() < 1
    assert stats.kstest(u, "uniform").pvalue > 0.001


def test_below_is_uniform_without_modulo_bias() -> None:
    stream = RandomStream(SECRET, "dice")
    counts = np.bincount([stream.below(6) for _ in range(12_000)], minlength=6)
    assert stats.chisquare(counts).pvalue > 0.001


def test_below_rejects_words_past_the_last_whole_multiple() -> None:
    # For n = 2**63 + 1 about half of all words are rejected, so the stream
    # must read more words than it returns values.
    n = 2**63 + 1
    stream = RandomStream(SECRET, "rejection")
    values = [stream.below(n) for _ in range(200)]
    assert all(0 <= v < n for v in values)
    assert stream.position > 300


@given(st.integers(min_value=1, max_value=2**64), st.binary(min_size=16, max_size=64))
def test_below_stays_in_range(n: int, secret: bytes) -> None:
    stream = RandomStream(secret, "range")
    assert all(0 <= stream.below(n) < n for _ in range(5))


def test_strata_lists_are_not_related() -> None:
    # Two strata's lists agree position by position about half the time, as
    # two independent lists would; a shared or shifted stream would not.
    a = generate_block_sequence(SECRET, "site=01", 2_000, [2, 4], ["consolidation", "salvage"])
    b = generate_block_sequence(SECRET, "site=02", 2_000, [2, 4], ["consolidation", "salvage"])
    n = min(len(a), len(b))
    for shift in range(4):
        same = sum(x.arm == y.arm for x, y in zip(a[shift:n], b[:n], strict=False))
        assert stats.binomtest(same, n - shift, 0.5).pvalue > 0.001


def test_two_labels_draws_are_uncorrelated() -> None:
    a = np.array(draws(SECRET, "a", 5_000), dtype=float)
    b = np.array(draws(SECRET, "b", 5_000), dtype=float)
    assert stats.pearsonr(a, b).pvalue > 0.001


@pytest.mark.parametrize("secret", [b"", b"short", bytes(15)])
def test_a_short_secret_is_refused(secret: bytes) -> None:
    with pytest.raises(ValueError, match="at least 16 bytes"):
        RandomStream(secret, "minimization")


def test_a_label_with_nul_is_refused() -> None:
    with pytest.raises(ValueError, match="NUL"):
        RandomStream(SECRET, "a\x00b")
