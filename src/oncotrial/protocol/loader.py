"""Reading a protocol file and reporting every problem in it at once.

A trial team edits the protocol file by hand, so a bad file must say what is
wrong and where: each `Problem` names the key path (``criteria[2].params.years``)
and the rule broken. Structural problems come from the schema; cross-item
problems (duplicate ids, unknown eligibility rules, rule parameters, the one
primary endpoint) are checked here on the raw data so that they are reported
even when another part of the file is malformed.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from oncotrial.protocol.schema import Protocol, placeholder_free


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file the trial team edits (a protocol, a cohort
    scenario): the key path that holds it and the rule broken."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ProtocolError(Exception):
    """A protocol file that cannot be used, with every problem found in it."""

    def __init__(self, source: str, problems: Sequence[Problem]):
        self.source = source
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{source}: {len(self.problems)} problem(s)\n{lines}")


@dataclass(frozen=True)
class LoadedProtocol:
    protocol: Protocol
    source: str
    sha256: str
    raw: dict[str, Any]


def load_protocol(path: str | Path) -> LoadedProtocol:
    """Parse and validate the protocol file at `path`, or raise `ProtocolError`."""
    path = Path(path)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise ProtocolError(
            str(path), [Problem("", f"cannot read the file: {exc.strerror}")]
        ) from exc
    return parse_protocol(content, source=str(path))


def parse_protocol(content: bytes, source: str = "<protocol>") -> LoadedProtocol:
    try:
        raw = tomllib.loads(content.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ProtocolError(source, [Problem("", f"not UTF-8 text ({exc.reason})")]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProtocolError(source, [Problem("", f"not valid TOML: {exc}")]) from exc

    problems: list[Problem] = []
    protocol: Protocol | None = None
    try:
        protocol = Protocol.model_validate(raw)
    except ValidationError as exc:
        problems.extend(_schema_problems(exc, raw))
    problems.extend(_cross_checks(raw))
    if problems:
        raise ProtocolError(source, _unique(problems))
    assert protocol is not None
    return LoadedProtocol(protocol, source, hashlib.sha256(content).hexdigest(), raw)


def _unique(problems: Iterable[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


def _format_path(loc: Sequence[str | int], raw: Any = None) -> str:
    out = ""
    node = raw
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                out += f"({node['id']})"
        else:
            if part == "schema_":
                part = "schema"
            out += f".{part}" if out else part
            node = node.get(part) if isinstance(node, dict) else None
    return out


_MESSAGES = {
    "extra_forbidden": "unknown key",
    "missing": "required key is missing",
}


def _schema_problems(exc: ValidationError, raw: dict[str, Any]) -> Iterator[Problem]:
    for error in exc.errors(include_url=False):
        # pydantic reports a union or a tagged model under extra location
        # parts of its own (e.g. "function-after[...]"); they mean nothing
        # to the author of the file.
        loc = [p for p in error["loc"] if not (isinstance(p, str) and "[" in p)]
        kind = error["type"]
        message = _MESSAGES.get(kind, error["msg"])
        if kind == "missing" and loc and loc[-1] == "rule":
            message = "criterion without a rule: name a rule of the eligibility library"
        elif kind == "value_error":
            message = error["msg"].removeprefix("Value error, ")
        elif (
            kind not in _MESSAGES
            and "input" in error
            and not isinstance(error["input"], dict | list)
        ):
            message = f"{message} (found {error['input']!r})"
        yield Problem(_format_path(loc, raw), message)


def _items(raw: dict[str, Any], *keys: str) -> list[tuple[list[str | int], dict[str, Any]]]:
    node: Any = raw
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    if not isinstance(node, list):
        return []
    return [([*keys, i], item) for i, item in enumerate(node) if isinstance(item, dict)]


def _duplicates(
    raw: dict[str, Any], keys: tuple[str, ...], expand_repeats: bool = False
) -> Iterator[Problem]:
    seen: Counter[str] = Counter()
    where: dict[str, list[str | int]] = {}
    for loc, item in _items(raw, *keys):
        ident = item.get("id")
        if not isinstance(ident, str):
            continue
        key = placeholder_free(ident) if expand_repeats else ident
        seen[key] += 1
        if seen[key] == 2:
            where[key] = loc
    for key, loc in where.items():
        yield Problem(f"{_format_path([*loc, 'id'], raw)}", f"duplicate id {key!r}")


def _cross_checks(raw: dict[str, Any]) -> Iterator[Problem]:
    for keys in [("arms",), ("cohorts",), ("criteria",), ("specimens",), ("endpoints",)]:
        yield from _duplicates(raw, keys)
    yield from _duplicates(raw, ("allocation", "factors"))
    yield from _duplicates(raw, ("dosing", "agents"))
    yield from _duplicates(raw, ("schedule", "visits"), expand_repeats=True)

    endpoints = _items(raw, "endpoints")
    primaries = [item for _, item in endpoints if item.get("primary") is True]
    if endpoints and len(primaries) != 1:
        yield Problem("endpoints", f"exactly one endpoint must be primary (found {len(primaries)})")

    for loc, factor in _items(raw, "allocation", "factors"):
        if factor.get("source") != "site" and not factor.get("levels"):
            yield Problem(
                _format_path([*loc, "levels"], raw), "a factor other than site needs its levels"
            )

    yield from _criterion_rules(raw)


def _criterion_rules(raw: dict[str, Any]) -> Iterator[Problem]:
    from oncotrial.protocol.eligibility import RULES

    for loc, criterion in _items(raw, "criteria"):
        rule = criterion.get("rule")
        if not isinstance(rule, str) or not rule:
            continue  # the schema reports a missing rule
        spec = RULES.get(rule)
        if spec is None:
            known = ", ".join(sorted(RULES))
            yield Problem(
                _format_path([*loc, "rule"], raw),
                f"unknown rule {rule!r}; the eligibility library has: {known}",
            )
            continue
        params = criterion.get("params", {})
        if not isinstance(params, dict):
            continue  # the schema reports the type
        yield from _param_problems(spec.params, params, [*loc, "params"], raw)


def _param_problems(
    model: type[BaseModel], params: dict[str, Any], loc: list[str | int], raw: dict[str, Any]
) -> Iterator[Problem]:
    try:
        model.model_validate(params)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            message = _MESSAGES.get(error["type"], error["msg"])
            yield Problem(_format_path([*loc, *error["loc"]], raw), message)
