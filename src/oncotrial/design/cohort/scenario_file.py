"""Reading scenario files, and what is wrong with a bad one, key by key.

This module owns turning a scenario file (or a parsed TOML table) into a
`Scenario`, reporting every problem at once with the key path that holds it
(``safety.events[3](Pneumonitis).grades: ...``), the scenarios shipped with
the package (`scenarios/*.toml`), and the checks that need the protocol the
scenario names (consent scopes, arms, the consolidation window).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from oncotrial.design.cohort.scenario import Scenario
from oncotrial.protocol.loader import Problem
from oncotrial.protocol.schema import Protocol

DEFAULT_SCENARIO = "eso_rt_default"


class ScenarioError(ValueError):
    """A scenario that cannot be used, with every problem found in it."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {problem}" for problem in self.problems)
        super().__init__(f"{source}: {len(self.problems)} problem(s)\n{lines}")


def parse_scenario(text: str, source: str = "<scenario>") -> Scenario:
    """The scenario in TOML `text`, or a `ScenarioError` listing every problem."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(source, [Problem("", f"not valid TOML: {error}")]) from error
    return scenario_from_dict(raw, source)


def scenario_from_dict(raw: dict[str, Any], source: str = "<scenario>") -> Scenario:
    """The scenario in a parsed TOML table (e.g. a file's, edited), or a `ScenarioError`."""
    try:
        return Scenario.model_validate(raw)
    except ValidationError as error:
        raise ScenarioError(source, list(_problems(error, raw))) from error


def load_scenario(path: str | Path) -> Scenario:
    """The scenario file at `path`, or a `ScenarioError`."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(str(path), [Problem("", f"cannot read the file: {error}")]) from error
    return parse_scenario(text, source=str(path))


def default_scenario() -> Scenario:
    """The shipped ESO-RT default scenario (`scenarios/eso_rt_default.toml`)."""
    return named_scenario(DEFAULT_SCENARIO)


def named_scenario(name: str) -> Scenario:
    """A scenario shipped with the package, by file name without `.toml`."""
    resource = resources.files("oncotrial.design").joinpath("scenarios").joinpath(f"{name}.toml")
    if not resource.is_file():
        raise ScenarioError(name, [Problem("", f"no shipped scenario named {name!r}")])
    return parse_scenario(resource.read_text(encoding="utf-8"), source=f"scenarios/{name}.toml")


_MESSAGES = {"extra_forbidden": "unknown key", "missing": "required key is missing"}


def _problems(error: ValidationError, raw: dict[str, Any]) -> Iterator[Problem]:
    for item in error.errors(include_url=False):
        # pydantic adds location parts of its own for unions ("float", "literal[...]").
        loc = [part for part in item["loc"] if not _internal(part)]
        kind = item["type"]
        message = _MESSAGES.get(kind, item["msg"].removeprefix("Value error, "))
        if kind not in _MESSAGES and "input" in item and not isinstance(item["input"], dict | list):
            message = f"{message} (found {item['input']!r})"
        yield Problem(_path(loc, raw), message)


def _internal(part: str | int) -> bool:
    return isinstance(part, str) and (
        "[" in part or part in ("float", "int", "str", "function-after")
    )


def _path(loc: Sequence[str | int], raw: Any) -> str:
    """A key path as written in the file, with an item's id or term after its index."""
    out, node = "", raw
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            label = node.get("term") or node.get("code") if isinstance(node, dict) else None
            if isinstance(label, str):
                out += f"({label})"
        else:
            name = "schema" if part == "schema_" else part
            out += f".{name}" if out else name
            node = node.get(name) if isinstance(node, dict) else None
    return out


# ---------------------------------------------------------------- against the protocol


def check_against_protocol(scenario: Scenario, protocol: Protocol) -> None:
    """Raise `ScenarioError` when the scenario does not fit the protocol it names."""
    problems = list(_protocol_problems(scenario, protocol))
    if problems:
        raise ScenarioError(scenario.name, problems)


def _protocol_problems(scenario: Scenario, protocol: Protocol) -> Iterator[Problem]:
    scopes = list(protocol.consent.optional)
    given = list(scenario.consent.optional)
    if sorted(given) != sorted(scopes):
        yield Problem(
            "consent.optional",
            f"must give a share for each optional consent of the protocol ({', '.join(scopes)}); "
            f"found {', '.join(given) or 'none'}",
        )
    arms = sorted(arm.id for arm in protocol.arms)
    if sorted(scenario.tumour.best_response) != arms:
        yield Problem("tumour.best_response", f"must give one table per arm: {', '.join(arms)}")
    intents = sorted(arm.radiotherapy_intent for arm in protocol.arms)
    if intents != ["consolidation", "salvage"]:
        yield Problem("", "the cohort generator needs one consolidation and one salvage arm")
    window = protocol.settings.radiotherapy
    start = scenario.radiotherapy.consolidation_start_days_after_last_cycle
    if (
        start.min < window.consolidation_start_min_days_after_last_cycle
        or start.max > window.consolidation_start_max_days_after_last_cycle
    ):
        yield Problem(
            "radiotherapy.consolidation_start_days_after_last_cycle",
            f"must lie within the protocol's "
            f"{window.consolidation_start_min_days_after_last_cycle}-"
            f"{window.consolidation_start_max_days_after_last_cycle} days",
        )
    if not protocol.settings.preference.enabled and scenario.cohorts.randomized_share < 1:
        yield Problem(
            "cohorts.randomized_share",
            "the protocol's preference cohort is closed ([settings.preference] enabled = false); "
            "the randomized share must be 1",
        )
    if not any("systemic_therapy" in visit.assessments for visit in protocol.schedule.visits):
        yield Problem("", "the protocol schedule has no systemic_therapy visit")
    if not any("tumour_assessment" in visit.assessments for visit in protocol.schedule.visits):
        yield Problem("", "the protocol schedule has no tumour_assessment visit")
