"""Radiotherapy courses against the arms' rules; a violation is named, never hidden."""

from __future__ import annotations

import datetime as dt

from oncotrial.protocol.treatment_rules import (
    MdtDecision,
    consolidation_violations,
    salvage_violations,
)

LAST = dt.date(2024, 5, 1)


def _consolidation(**changes):
    args = {
        "arm": "consolidation",
        "course_start": LAST + dt.timedelta(days=21),
        "last_cycle": LAST,
        "cycles_given": 4,
        "cycles_planned": 4,
        "min_days_after_last_cycle": 0,
        "max_days_after_last_cycle": 42,
    }
    return [str(m) for m in consolidation_violations(**{**args, **changes})]


def test_consolidation_after_the_planned_cycles_in_its_arm_follows_the_protocol() -> None:
    assert _consolidation() == []


def test_consolidation_window_edges() -> None:
    assert _consolidation(course_start=LAST) == []  # day 0 is allowed
    assert _consolidation(course_start=LAST + dt.timedelta(days=42)) == []
    [late] = _consolidation(course_start=LAST + dt.timedelta(days=43))
    assert "starts 43 days after it" in late
    [early] = _consolidation(course_start=LAST - dt.timedelta(days=1))
    assert "starts -1 days after it" in early


def test_consolidation_in_the_salvage_arm_or_before_the_cycles_end() -> None:
    [wrong_arm] = _consolidation(arm="salvage")
    assert "belongs to the consolidation arm" in wrong_arm and "salvage arm" in wrong_arm
    [too_soon] = _consolidation(cycles_given=3)
    assert "3 of 4 given" in too_soon


def test_salvage_needs_progression_then_an_mdt_recommendation() -> None:
    start = dt.date(2024, 9, 1)
    progression = dt.date(2024, 8, 1)
    yes = MdtDecision(dt.date(2024, 8, 10), True)
    assert (
        salvage_violations(course_start=start, progression_dates=[progression], mdt_decisions=[yes])
        == []
    )
    [none] = salvage_violations(course_start=start, progression_dates=[], mdt_decisions=[yes])
    assert "needs a progression" in str(none)
    [no_mdt] = salvage_violations(
        course_start=start,
        progression_dates=[progression],
        mdt_decisions=[MdtDecision(dt.date(2024, 8, 10), False)],
    )
    assert "multidisciplinary team decision" in str(no_mdt)


def test_salvage_mdt_dates_at_the_edges() -> None:
    start, progression = dt.date(2024, 9, 1), dt.date(2024, 8, 1)

    def ok(decided: dt.date) -> bool:
        return not salvage_violations(
            course_start=start,
            progression_dates=[progression],
            mdt_decisions=[MdtDecision(decided, True)],
        )

    assert ok(progression) and ok(start)
    assert not ok(progression - dt.timedelta(days=1)) and not ok(start + dt.timedelta(days=1))
    # A progression after the start does not count.
    assert salvage_violations(
        course_start=start, progression_dates=[dt.date(2024, 9, 2)], mdt_decisions=[]
    )
