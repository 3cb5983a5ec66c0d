"""generate_cohort: the same seed gives the same cohort, another seed another; its API."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from oncotrial.design.cohort import Cohort, default_scenario, generate_cohort

ROOT = Path(__file__).resolve().parents[2]
N = 40


@pytest.fixture(scope="module")
def cohort() -> Cohort:
    return generate_cohort(default_scenario(), N, 42)


def test_the_same_seed_gives_identical_tables(cohort: Cohort) -> None:
    again = generate_cohort(default_scenario(), N, 42)
    assert again.journeys == cohort.journeys
    first, second = cohort.tables(), again.tables()
    for domain, frame in first.items():
        pd.testing.assert_frame_equal(frame, second[domain], obj=domain)
    pd.testing.assert_frame_equal(cohort.specimens(), again.specimens())


def test_another_seed_gives_another_cohort(cohort: Cohort) -> None:
    other = generate_cohort(default_scenario(), N, 43)
    assert other.journeys != cohort.journeys
    for domain in ("DM", "EX", "TR", "AE"):
        assert not cohort.tables()[domain].equals(other.tables()[domain]), domain


def test_nothing_carries_over_from_one_run_to_the_next(cohort: Cohort) -> None:
    larger = generate_cohort(default_scenario(), N + 1, 42)
    assert len(larger.participants) == N + 1
    assert generate_cohort(default_scenario(), N, 42).journeys == cohort.journeys


def test_journeys_are_plain_dataclasses(cohort: Cohort) -> None:
    journey = cohort.participants[0]
    assert dataclasses.is_dataclass(journey)
    for field in dataclasses.fields(journey):
        value = getattr(journey, field.name)
        items = value if isinstance(value, tuple) else (value,)
        for item in items:
            plain = item is None or isinstance(item, str | int | float | dt.date)
            assert plain or dataclasses.is_dataclass(item), field.name


def test_progress_reports_every_participant() -> None:
    calls: list[tuple[int, int]] = []
    generate_cohort(None, 12, 3, lambda done, total: calls.append((done, total)))
    assert calls == [(done, 12) for done in range(13)]


def test_the_scenario_may_be_given_by_path() -> None:
    path = ROOT / "src" / "oncotrial" / "design" / "scenarios" / "eso_rt_default.toml"
    assert generate_cohort(path, 5, 9).journeys == generate_cohort(None, 5, 9).journeys


@pytest.mark.parametrize(("n", "seed"), [(0, 1), (-3, 1), (2.5, 1), (True, 1), (5, -1), (5, "1")])
def test_bad_arguments_are_refused(n: object, seed: object) -> None:
    with pytest.raises(ValueError, match=r"n must be|seed must be"):
        generate_cohort(None, n, seed)  # type: ignore[arg-type]
