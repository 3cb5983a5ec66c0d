"""The cohort scenario file: the default cites its sources; a bad file says what is wrong where."""

from __future__ import annotations

import copy
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from oncotrial.clinical import ctcae
from oncotrial.design.cohort import (
    ScenarioError,
    default_scenario,
    generate_cohort,
    load_scenario,
    named_scenario,
    parse_scenario,
    scenario_from_dict,
)
from oncotrial.design.cohort.scenario_file import check_against_protocol
from oncotrial.protocol.loader import load_protocol

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_FILE = ROOT / "src" / "oncotrial" / "design" / "scenarios" / "eso_rt_default.toml"
RAW: dict[str, Any] = tomllib.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
PROTOCOL = load_protocol(ROOT / "protocols" / "eso_rt.toml").protocol
CITATION = re.compile(r"rules §\d|statistics §\d|protocol|\[assumption\]")


def edited(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    raw = copy.deepcopy(RAW)
    change(raw)
    return raw


def problems(raw: dict[str, Any]) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict(raw, "edited.toml")
    return [str(problem) for problem in caught.value.problems]


def test_the_default_scenario_loads_from_the_package_and_from_its_file() -> None:
    packaged = default_scenario()
    assert packaged == load_scenario(DEFAULT_FILE) == named_scenario("eso_rt_default")
    assert packaged.name == "eso_rt_default"
    assert packaged.protocol_path() == ROOT / "protocols" / "eso_rt.toml"
    check_against_protocol(packaged, PROTOCOL)


def test_every_section_of_the_default_cites_its_source() -> None:
    """Each table of the file (for an array of tables, its first entry) carries a citation
    (rules §N, statistics §N, the protocol) or says it is an assumption, in the comments
    just above its header or in its body."""
    text = DEFAULT_FILE.read_text(encoding="utf-8")
    names = dict.fromkeys(re.findall(r"^\[\[?([^\]]+)\]\]?", text, flags=re.MULTILINE))
    assert len(names) > 15
    for name in names:
        pattern = re.escape(name).join(
            [r"((?:#[^\n]*\n)*)\[\[?", r"\]\]?\n((?:[^\[\n][^\n]*\n|\n)*)"]
        )
        above, body = re.findall(pattern, text)[0]
        assert CITATION.search(above + body), f"[{name}] cites no source"


def test_every_adverse_event_names_its_source_and_a_ctcae_grade() -> None:
    for spec in default_scenario().safety.events:
        assert CITATION.search(spec.source), spec.term
        term = ctcae.term_by_name(spec.term)
        for grade, share in enumerate(spec.grades, start=1):
            if share > 0:
                ctcae.validate_grade(term, grade)


def test_rates_quoted_from_the_rules_are_the_ones_used() -> None:
    """rules §8.2 (induction ORR 63-72 %, disease control 85-90 %), §8.3 (PFS HR 0.5-0.7;
    G3+ oesophagitis ~10 % and G3-4 lymphopenia ~15 % with radiotherapy), §7.1 doses."""
    scenario = default_scenario()
    induction = scenario.screening.induction_response
    assert 0.63 <= induction["CR"] + induction["PR"] <= 0.72
    assert 0.85 <= induction["CR"] + induction["PR"] + induction["SD"] <= 0.90
    assert 0.5 <= scenario.survival.pfs_hazard_ratio <= 0.7
    events = {(e.term, e.exposure): e for e in scenario.safety.events}
    oesophagitis = events["Esophagitis", "radiotherapy"]
    assert oesophagitis.incidence * sum(oesophagitis.grades[2:]) == pytest.approx(0.10, abs=0.01)
    lymphopenia = events["Lymphocyte count decreased", "radiotherapy"]
    assert lymphopenia.incidence * sum(lymphopenia.grades[2:4]) == pytest.approx(0.15, abs=0.01)
    treatment = scenario.treatment
    assert (treatment.paclitaxel_mg_per_m2, treatment.cisplatin_mg_per_m2) == (175, 75)
    assert (treatment.carboplatin_auc, treatment.gfr_cap_ml_per_min) == (5, 125)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda r: r["screening"].update(bogus=1), "screening.bogus: unknown key"),
        (
            lambda r: r["screening"].update(ecog={"0": 0.5, "1": 0.4}),
            "screening.ecog: shares must sum to 1",
        ),
        (
            lambda r: r["safety"]["events"][0].update(term="Esophagitiss"),
            "safety.events[0](Esophagitiss): term: Esophagitiss is not a CTCAE v5.0 term",
        ),
        (
            lambda r: r["safety"]["events"][8].update(grades=[0.5, 0.3, 0.1, 0.1, 0.0]),
            "safety.events[8](Nausea): grades: CTCAE v5.0 does not define grade(s) [4]",
        ),
        (
            lambda r: r["screening"]["laboratory"]["anc"].update(unit="mmol/L"),
            "anc.unit: unknown unit 'mmol/L'",
        ),
        (
            lambda r: r["tumour"].update(node_short_axis_mm={"min": 10, "max": 20}),
            "node_short_axis_mm.min: a target node needs 15 mm",
        ),
        (
            lambda r: r["radiotherapy"]["salvage"][0].update(share=0.9),
            "radiotherapy.salvage: shares must sum to 1",
        ),
        (lambda r: r["sites"][0].update(code="bj-1"), "sites[0](bj-1).code"),
        (lambda r: r["demographics"]["age_years"].update(sd=-1), "demographics.age_years.sd"),
        (lambda r: r.pop("survival"), "survival: required key is missing"),
        (
            lambda r: r["treatment"]["pd1"]["camrelizumab"].update(dose_mg="weight_banded"),
            "only sintilimab has a weight-banded dose",
        ),
    ],
)
def test_a_bad_scenario_names_the_key_and_the_rule(
    change: Callable[[dict[str, Any]], None], expected: str
) -> None:
    found = problems(edited(change))
    assert any(expected in problem for problem in found), found


def test_every_problem_is_reported_at_once() -> None:
    def two(raw: dict[str, Any]) -> None:
        raw["screening"]["bogus"] = 1
        raw["cohorts"]["randomized_share"] = 1.5

    found = problems(edited(two))
    assert len(found) == 2
    assert any(p.startswith("cohorts.randomized_share") for p in found)


def test_a_scenario_that_does_not_fit_the_protocol_is_refused() -> None:
    def mismatch(raw: dict[str, Any]) -> None:
        del raw["consent"]["optional"]["urine"]
        raw["radiotherapy"]["consolidation_start_days_after_last_cycle"] = {"min": 7, "max": 60}
        raw["tumour"]["best_response"]["observation"] = raw["tumour"]["best_response"].pop(
            "salvage"
        )

    scenario = scenario_from_dict(edited(mismatch))
    with pytest.raises(ScenarioError) as caught:
        check_against_protocol(scenario, PROTOCOL)
    paths = {problem.path for problem in caught.value.problems}
    assert paths == {
        "consent.optional",
        "radiotherapy.consolidation_start_days_after_last_cycle",
        "tumour.best_response",
    }
    with pytest.raises(ScenarioError):
        generate_cohort(scenario, 5, 1)


def test_files_that_cannot_be_read_or_parsed(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot read the file"):
        load_scenario(tmp_path / "missing.toml")
    with pytest.raises(ScenarioError, match="not valid TOML"):
        parse_scenario("schema = ", "broken.toml")
    with pytest.raises(ScenarioError, match="no shipped scenario"):
        named_scenario("no_such_scenario")
