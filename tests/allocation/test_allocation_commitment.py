"""The commitment and its canonical form (allocation.commitment, allocation.canonical)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import struct
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oncotrial.allocation.blocks import BlockSlot, generate_block_sequence
from oncotrial.allocation.canonical import canonical_bytes, canonical_json, ecmascript_number
from oncotrial.allocation.commitment import (
    COMMITMENT_FORM,
    commitment,
    commitment_document,
    verify_commitment,
)
from oncotrial.allocation.minimization import (
    MinimizationFactor,
    MinimizationSettings,
    minimization_draws,
)
from oncotrial.allocation.stream import commitment_nonce

SECRET = b"eso-rt commitment secret 0000001"
NONCE = commitment_nonce(SECRET)
ARMS = ["consolidation", "salvage"]


def _parameters() -> dict[str, Any]:
    return {
        "trial": "NCT06084897",
        "protocol_version": "1.0",
        "stream": "oncotrial.allocation.v1",
        "method": "minimization",
        "ratio": [1, 1],
        "block_sizes": [2, 4],
        "minimization": MinimizationSettings(
            tuple(ARMS),
            (
                MinimizationFactor("site"),
                MinimizationFactor("induction_response"),
                MinimizationFactor("metastatic_organs"),
            ),
            0.8,
            "range",
        ),
    }


def _sequences() -> dict[str, Any]:
    return {
        "permuted_blocks": {
            key: generate_block_sequence(SECRET, key, 4, [2, 4], ARMS)
            for key in ("site=01", "site=02")
        },
        "minimization_draws": list(minimization_draws(SECRET, 12)),
    }


def test_the_commitment_verifies_against_the_original() -> None:
    recorded = commitment(_parameters(), _sequences(), nonce=NONCE)
    assert len(recorded) == 64
    assert verify_commitment(_parameters(), _sequences(), nonce=NONCE, expected=recorded)
    assert verify_commitment(_parameters(), _sequences(), nonce=NONCE, expected=recorded.upper())


def test_changing_any_single_slot_changes_the_commitment() -> None:
    recorded = commitment(_parameters(), _sequences(), nonce=NONCE)
    sequences = _sequences()
    for key, slots in sequences["permuted_blocks"].items():
        for i, slot in enumerate(slots):
            for field, value in (
                ("arm", ARMS[1] if slot.arm == ARMS[0] else ARMS[0]),
                ("slot", slot.slot + 1),
                ("block", slot.block + 1),
                ("block_size", slot.block_size + 2),
            ):
                altered = _sequences()
                altered["permuted_blocks"][key][i] = dataclasses.replace(slot, **{field: value})
                assert not verify_commitment(
                    _parameters(), altered, nonce=NONCE, expected=recorded
                ), (key, i, field)


def test_changing_any_single_draw_changes_the_commitment() -> None:
    recorded = commitment(_parameters(), _sequences(), nonce=NONCE)
    for i in range(12):
        altered = _sequences()
        altered["minimization_draws"][i] ^= 1
        assert not verify_commitment(_parameters(), altered, nonce=NONCE, expected=recorded), i


def test_dropping_or_reordering_a_slot_changes_the_commitment() -> None:
    recorded = commitment(_parameters(), _sequences(), nonce=NONCE)
    dropped, swapped = _sequences(), _sequences()
    dropped["permuted_blocks"]["site=01"].pop()
    slots = swapped["permuted_blocks"]["site=02"]
    slots[0], slots[1] = slots[1], slots[0]
    for altered in (dropped, swapped):
        assert not verify_commitment(_parameters(), altered, nonce=NONCE, expected=recorded)


@pytest.mark.parametrize(
    "change",
    [
        lambda p: p.update(protocol_version="1.1"),
        lambda p: p.update(ratio=[2, 1]),
        lambda p: p.update(block_sizes=[4, 2]),
        lambda p: p.update(method="permuted_blocks"),
        lambda p: p.update(
            minimization=dataclasses.replace(p["minimization"], minimizer_probability=0.75)
        ),
        lambda p: p.update(
            minimization=dataclasses.replace(p["minimization"], imbalance="variance")
        ),
        lambda p: p.update(
            minimization=dataclasses.replace(
                p["minimization"],
                factors=(MinimizationFactor("site", 2.0), *p["minimization"].factors[1:]),
            )
        ),
        lambda p: p.update(extra=None),
    ],
)
def test_changing_any_parameter_changes_the_commitment(change: Any) -> None:
    recorded = commitment(_parameters(), _sequences(), nonce=NONCE)
    altered = _parameters()
    change(altered)
    assert not verify_commitment(altered, _sequences(), nonce=NONCE, expected=recorded)


def test_the_nonce_is_part_of_the_commitment() -> None:
    recorded = commitment(_parameters(), _sequences(), nonce=NONCE)
    other = commitment_nonce(b"another installation secret !!!!")
    assert not verify_commitment(_parameters(), _sequences(), nonce=other, expected=recorded)
    with pytest.raises(ValueError, match="at least 16 bytes"):
        commitment(_parameters(), _sequences(), nonce=b"short")


def test_member_order_does_not_matter() -> None:
    parameters = _parameters()
    reordered = dict(reversed(list(parameters.items())))
    assert commitment(parameters, _sequences(), nonce=NONCE) == commitment(
        reordered, _sequences(), nonce=NONCE
    )


def test_a_malformed_expected_value_is_refused() -> None:
    with pytest.raises(ValueError, match="64 hex digits"):
        verify_commitment(_parameters(), _sequences(), nonce=NONCE, expected="abc")


def test_the_committed_document_is_the_documented_canonical_json() -> None:
    parameters = {"method": "permuted_blocks", "ratio": [1, 1], "p": 0.8}
    sequences = {
        "permuted_blocks": {
            "site=01": [BlockSlot(0, 0, 2, "salvage"), BlockSlot(1, 0, 2, "consolidation")]
        }
    }
    nonce = bytes(range(16))
    expected = (
        b'{"form":"oncotrial.allocation.commitment/1",'
        b'"nonce":"000102030405060708090a0b0c0d0e0f",'
        b'"parameters":{"method":"permuted_blocks","p":0.8,"ratio":[1,1]},'
        b'"sequences":{"permuted_blocks":{"site=01":['
        b'{"arm":"salvage","block":0,"block_size":2,"slot":0},'
        b'{"arm":"consolidation","block":0,"block_size":2,"slot":1}]}}}'
    )
    assert COMMITMENT_FORM == "oncotrial.allocation.commitment/1"
    assert commitment_document(parameters, sequences, nonce=nonce) == expected
    assert commitment(parameters, sequences, nonce=nonce) == hashlib.sha256(expected).hexdigest()


# ---------------------------------------------------------------- RFC 8785

# RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical text.
APPENDIX_B = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


@pytest.mark.parametrize(("bits", "text"), APPENDIX_B)
def test_numbers_match_rfc_8785_appendix_b(bits: str, text: str) -> None:
    (value,) = struct.unpack(">d", bytes.fromhex(bits))
    assert ecmascript_number(value) == text
    assert canonical_json([value]) == f"[{text}]"


def test_the_rfc_8785_example_document() -> None:
    # RFC 8785 §3.2.4: the input and its canonical form.
    value = {
        "numbers": [333333333.33333329, 1e30, 4.50, 2e-3, 0.000000000000000000000000001],
        "string": '\u20ac$\u000f\nA\'B"\\\\"/',
        "literals": [None, True, False],
    }
    assert canonical_json(value) == (
        '{"literals":[null,true,false],'
        '"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    )


def test_members_sort_by_utf16_code_units() -> None:
    # RFC 8785 §3.2.3: the emoji (a surrogate pair) sorts before U+FB33.
    value = {"\u20ac": 1, "\r": 2, "\ufb33": 3, "1": 4, "\U0001f600": 5, "\u0080": 6, "\u00f6": 7}
    names = list(json.loads(canonical_json(value)))
    assert names == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (b"bytes", TypeError),
        (float("nan"), ValueError),
        (float("inf"), ValueError),
        (2**53 + 1, ValueError),
        (10**400, ValueError),
        ({1: "x"}, TypeError),
        ("\ud800", ValueError),
        ({1, 2}, TypeError),
    ],
)
def test_values_without_one_canonical_form_are_refused(
    value: object, error: type[Exception]
) -> None:
    with pytest.raises(error):
        canonical_json({"parameters": [value]})


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=100, deadline=None)
@given(json_values)
def test_canonical_json_parses_back_to_the_same_value(value: object) -> None:
    # As RFC 8785 (I-JSON) readers do, numbers are read back as doubles.
    text = canonical_json(value)
    parsed = json.loads(text, parse_int=float)
    assert _same(parsed, value)
    assert canonical_json(parsed) == text
    assert canonical_bytes(value) == text.encode("utf-8")


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_finite_double_round_trips(value: float) -> None:
    assert float(ecmascript_number(value)) == value


def _same(parsed: object, original: object) -> bool:
    if isinstance(original, int | float) and not isinstance(original, bool):
        return isinstance(parsed, float) and parsed == original
    if isinstance(original, list):
        return (
            isinstance(parsed, list)
            and len(parsed) == len(original)
            and all(_same(a, b) for a, b in zip(parsed, original, strict=True))
        )
    if isinstance(original, dict):
        return (
            isinstance(parsed, dict)
            and parsed.keys() == original.keys()
            and all(_same(parsed[k], original[k]) for k in original)
        )
    return parsed == original and type(parsed) is type(original)
