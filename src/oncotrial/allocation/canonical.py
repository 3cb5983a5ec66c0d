"""Canonical JSON: one byte string for one value, recomputable by any tool.

This module owns the serialisation the allocation commitment hashes. It is
the JSON Canonicalization Scheme (JCS, RFC 8785), so an auditor can
recompute it with any JCS implementation, or by hand:

* objects: members sorted by name, compared as UTF-16 code units (RFC 8785
  §3.2.3), written `{"name":value,...}`; arrays `[v1,v2,...]`; no whitespace
  anywhere;
* strings: UTF-8, with only `"` and `\\` and the control characters
  U+0000-U+001F escaped: `\\b \\t \\n \\f \\r` where they exist, otherwise
  `\\u00xx` in lower-case hex (RFC 8785 §3.2.2.2);
* `true`, `false`, `null`;
* numbers as ECMAScript writes a double (RFC 8785 §3.2.2.3): integers
  without a fraction or exponent (`1.0` is written `1`), `0.8` as `0.8`,
  `1e-7` as `1e-7`, `1e21` as `1e+21`.

Python values map as: dict (str keys) -> object; list and tuple -> array;
a dataclass instance -> object of its fields by field name; str; bool;
None; int, if a double holds it exactly (every |n| <= 2**53 does); finite
float. Anything else (bytes, Fraction, NaN, a non-str key, a lone
surrogate) is refused with the path to the offending value, rather than
being written in a form another tool would read differently.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from decimal import Decimal


def canonical_json(value: object) -> str:
    """The RFC 8785 canonical JSON text of `value` (encode it as UTF-8 to hash)."""
    parts: list[str] = []
    _write(value, parts, "$")
    return "".join(parts)


def canonical_bytes(value: object) -> bytes:
    """`canonical_json(value)` as UTF-8 bytes."""
    return canonical_json(value).encode("utf-8")


def ecmascript_number(x: float) -> str:
    """A finite double as ECMAScript's Number::toString writes it (RFC 8785 §3.2.2.3)."""
    if not math.isfinite(x):
        raise ValueError(f"{x!r} has no JSON form")
    if x == 0:
        return "0"  # also -0.0
    if x < 0:
        return "-" + ecmascript_number(-x)
    # repr gives the shortest digits that round-trip, nearest the true value:
    # the digit string s the ECMAScript algorithm asks for.
    _, digit_tuple, exponent = Decimal(repr(x)).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    assert isinstance(exponent, int)
    k = len(digits)
    # value = 0.digits * 10**n, i.e. digits * 10**(n - k)
    n = exponent + len(digit_tuple)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + digits
    e = n - 1
    mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
    return f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"


def _write(value: object, parts: list[str], path: str) -> None:
    if value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, int):
        parts.append(ecmascript_number(_exact_double(value, path)))
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{path}: {value!r} has no JSON form")
        parts.append(ecmascript_number(value))
    elif isinstance(value, str):
        parts.append(_string(value, path))
    elif isinstance(value, Mapping):
        _write_object(dict(value), parts, path)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        _write_object(fields, parts, path)
    elif isinstance(value, list | tuple):
        parts.append("[")
        for i, item in enumerate(value):
            if i:
                parts.append(",")
            _write(item, parts, f"{path}[{i}]")
        parts.append("]")
    else:
        raise TypeError(f"{path}: {type(value).__name__} has no canonical JSON form")


def _exact_double(value: int, path: str) -> float:
    try:
        as_double = float(value)
    except OverflowError:
        as_double = math.inf
    if as_double != value:
        raise ValueError(
            f"{path}: integer {value} is not exactly a double and has no exact JSON form"
        )
    return as_double


def _write_object(members: dict[object, object], parts: list[str], path: str) -> None:
    for name in members:
        if not isinstance(name, str):
            raise TypeError(f"{path}: object member name {name!r} is not a str")
    names = sorted(members, key=lambda name: _utf16(str(name), path))
    parts.append("{")
    for i, name in enumerate(names):
        if i:
            parts.append(",")
        parts.append(_string(str(name), path))
        parts.append(":")
        _write(members[name], parts, f"{path}.{name}")
    parts.append("}")


def _utf16(text: str, path: str) -> bytes:
    try:
        return text.encode("utf-16-be")
    except UnicodeEncodeError as error:
        raise ValueError(f"{path}: {text!r} is not valid Unicode (lone surrogate)") from error


def _string(text: str, path: str) -> str:
    _utf16(text, path)  # refuses lone surrogates
    # json.dumps escapes exactly '"', '\\' and U+0000-U+001F, as RFC 8785 asks.
    return json.dumps(text, ensure_ascii=False)
