"""The protocol file: the real one loads; each kind of bad file gets its own message."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from oncotrial.protocol.loader import ProtocolError, load_protocol, parse_protocol

ROOT = Path(__file__).resolve().parents[2]
ESO_RT = ROOT / "protocols" / "eso_rt.toml"
TEXT = ESO_RT.read_text(encoding="utf-8")


def problems_of(text: str) -> list[str]:
    with pytest.raises(ProtocolError) as caught:
        parse_protocol(text.encode("utf-8"), source="bad.toml")
    return [str(p) for p in caught.value.problems]


def test_eso_rt_loads_with_every_criterion_and_one_primary_endpoint() -> None:
    protocol = load_protocol(ESO_RT).protocol
    assert protocol.trial.registry_id == "NCT06084897"
    assert [c.id for c in protocol.criteria] == [
        *(f"I{i}" for i in range(1, 9)),
        *(f"E{i}" for i in range(1, 7)),
    ]
    assert all(c.text.en and c.text.zh for c in protocol.criteria)
    assert protocol.primary_endpoint.id == "pfs"
    assert {a.id for a in protocol.arms} == {"consolidation", "salvage"}
    assert {c.id for c in protocol.cohorts} == {"randomized", "preference"}


def test_every_open_question_is_a_setting() -> None:
    """clinical-rules.md §9 lists the questions the registry leaves open."""
    settings = tomllib.loads(TEXT)["settings"]
    assert set(settings) == {
        "eligibility",
        "preference",
        "recist",
        "progression",
        "radiotherapy",
        "safety",
    }


def test_repeating_visits_expand_to_numbered_occurrences() -> None:
    protocol = load_protocol(ESO_RT).protocol
    cycles = next(v for v in protocol.schedule.visits if v.id == "C{n}D1").occurrences()
    assert [(vid, day) for vid, _, day in cycles] == [
        ("C2D1", 21),
        ("C3D1", 42),
        ("C4D1", 63),
        ("C5D1", 84),
    ]
    assert cycles[0][1].zh == "第2周期第1天"


def test_unknown_key_is_named_with_its_path() -> None:
    bad = TEXT.replace('acronym = "ESO-RT"', 'acronym = "ESO-RT"\nacronymn = "typo"')
    assert "trial.acronymn: unknown key" in problems_of(bad)


def test_wrong_type_is_named_with_its_path_and_value() -> None:
    bad = TEXT.replace("target_enrolment = 120", 'target_enrolment = "many"')
    found = problems_of(bad)
    assert any(p.startswith("trial.target_enrolment:") and "'many'" in p for p in found), found


def test_criterion_without_a_rule() -> None:
    bad = TEXT.replace('rule = "expected_survival"\n', "", 1)
    assert (
        "criteria[5](I6).rule: criterion without a rule: name a rule of the eligibility library"
        in problems_of(bad)
    )


def test_criterion_naming_an_unknown_rule() -> None:
    bad = TEXT.replace('rule = "expected_survival"', 'rule = "expected_survivl"')
    found = problems_of(bad)
    assert any(p.startswith("criteria[5](I6).rule: unknown rule 'expected_survivl'") for p in found)


def test_rule_parameter_is_checked_against_the_rule() -> None:
    bad = TEXT.replace("params = { years = 18 }", "params = { yeers = 18 }")
    found = problems_of(bad)
    assert any(p.startswith("criteria[0](I1).params.yeers") for p in found), found


def test_duplicate_criterion_id() -> None:
    bad = TEXT.replace('id = "I6"', 'id = "I5"')
    assert "criteria[5](I5).id: duplicate id 'I5'" in problems_of(bad)


def test_duplicate_visit_id_after_expansion_of_repeats() -> None:
    bad = TEXT.replace('id = "TA{n}"', 'id = "C{n}D1"')
    found = problems_of(bad)
    assert any("duplicate id 'CD1'" in p for p in found), found


def test_window_whose_lower_bound_exceeds_its_upper_bound() -> None:
    bad = TEXT.replace("window = [-7, 7]", "window = [7, -7]")
    assert "schedule.visits[2](TA{n}): window: lower bound 7 exceeds upper bound -7" in problems_of(
        bad
    )


def test_two_primary_endpoints() -> None:
    bad = TEXT.replace(
        'id = "os"\nkind = "time_to_event"', 'id = "os"\nkind = "time_to_event"\nprimary = true'
    )
    assert "endpoints: exactly one endpoint must be primary (found 2)" in problems_of(bad)


def test_every_problem_is_reported_at_once() -> None:
    bad = TEXT.replace('acronym = "ESO-RT"', 'acronym = "ESO-RT"\nacronymn = "typo"').replace(
        'id = "I6"', 'id = "I5"'
    )
    found = problems_of(bad)
    assert "trial.acronymn: unknown key" in found
    assert "criteria[5](I5).id: duplicate id 'I5'" in found


def test_not_toml_at_all() -> None:
    found = problems_of("schema = 1\n[trial\n")
    assert len(found) == 1 and found[0].startswith("not valid TOML")


def _oncotrial(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "oncotrial.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )


def test_protocol_check_command(tmp_path: Path) -> None:
    ok = _oncotrial("protocol", "check", str(ESO_RT))
    assert ok.returncode == 0 and "OK" in ok.stdout
    bad_file = tmp_path / "bad.toml"
    bad_file.write_text(TEXT.replace("window = [-7, 7]", "window = [7, -7]"), encoding="utf-8")
    bad = _oncotrial("protocol", "check", str(bad_file))
    assert bad.returncode == 1
    assert "window: lower bound 7 exceeds upper bound -7" in bad.stderr


def test_application_refuses_to_start_on_an_invalid_protocol(tmp_path: Path) -> None:
    bad_file = tmp_path / "bad.toml"
    bad_file.write_text(TEXT.replace('id = "I6"', 'id = "I5"'), encoding="utf-8")
    result = _oncotrial("check", ONCOTRIAL_PROTOCOL=str(bad_file), ONCOTRIAL_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "OncoTrial cannot start: the protocol file is invalid" in result.stderr
    assert "duplicate id 'I5'" in result.stderr
