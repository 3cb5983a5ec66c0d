"""Seriousness, relatedness, and which expedited reports an event needs (§4.3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from oncotrial.clinical.seriousness import (
    ATTRIBUTION_LABELS,
    CRITERION_LABELS,
    Attribution,
    DeadlineKind,
    ReportingError,
    ReportingTimelines,
    SeriousnessCriterion,
    any_related,
    expedited_reports,
    is_fatal_or_life_threatening,
    is_related,
    is_serious,
    is_susar,
)
from oncotrial.text import Message

S = SeriousnessCriterion
A = Attribution
AWARE = datetime(2025, 5, 6, 9, 30, tzinfo=UTC)
SHANGHAI = "Asia/Shanghai"


def test_any_criterion_makes_an_event_serious() -> None:
    assert not is_serious([])
    for criterion in S:
        assert is_serious([criterion])
    assert is_serious(["hospitalisation"])  # stored values are accepted
    with pytest.raises(ValueError):
        is_serious(["grade_3"])  # severity is not a seriousness criterion


def test_fatal_or_life_threatening() -> None:
    assert is_fatal_or_life_threatening([S.DEATH])
    assert is_fatal_or_life_threatening([S.HOSPITALISATION, S.LIFE_THREATENING])
    assert not is_fatal_or_life_threatening([S.HOSPITALISATION, S.MEDICALLY_IMPORTANT])


def test_every_criterion_and_attribution_has_a_label() -> None:
    assert set(CRITERION_LABELS) == set(S)
    assert set(ATTRIBUTION_LABELS) == set(A)


@pytest.mark.parametrize(
    ("attribution", "related"),
    [
        (A.UNRELATED, False),
        (A.UNLIKELY, False),
        (A.POSSIBLE, True),
        (A.PROBABLE, True),
        (A.DEFINITE, True),
    ],
)
def test_related_means_possible_or_more(attribution: Attribution, related: bool) -> None:
    assert is_related(attribution) is related


def test_related_to_any_intervention() -> None:
    # e.g. radiotherapy unlikely, cisplatin unrelated, PD-1 inhibitor possible
    assert any_related([A.UNLIKELY, A.UNRELATED, A.POSSIBLE]) is True
    assert any_related([A.UNLIKELY, A.UNRELATED]) is False
    assert any_related([]) is None


@pytest.mark.parametrize(
    ("criteria", "expected", "attributions", "susar"),
    [
        ([S.HOSPITALISATION], False, [A.PROBABLE], True),
        ([S.HOSPITALISATION], True, [A.PROBABLE], False),  # expected
        ([S.HOSPITALISATION], False, [A.UNLIKELY, A.UNRELATED], False),  # not related
        ([], False, [A.DEFINITE], False),  # not serious
        ([S.DEATH], None, [A.POSSIBLE], True),  # expectedness not assessed yet
        ([S.DEATH], False, [], True),  # causality not assessed yet
        ([S.DEATH], None, [], True),
    ],
)
def test_is_susar(
    criteria: list[SeriousnessCriterion],
    expected: bool | None,
    attributions: list[Attribution],
    susar: bool,
) -> None:
    assert is_susar(criteria, expected=expected, attributions=attributions) is susar


def kinds(criteria: list[SeriousnessCriterion], **kwargs: object) -> list[DeadlineKind]:
    options = {"expected": False, "attributions": [A.PROBABLE], **kwargs}
    reports = expedited_reports(
        criteria,
        awareness=AWARE,
        site_timezone=SHANGHAI,
        **options,  # type: ignore[arg-type]
    )
    return [r.kind for r in reports]


def test_which_reports_apply() -> None:
    K = DeadlineKind
    assert kinds([]) == []
    assert kinds([S.HOSPITALISATION], expected=True) == [K.SPONSOR_NOTIFICATION]
    assert kinds([S.HOSPITALISATION], attributions=[A.UNRELATED]) == [K.SPONSOR_NOTIFICATION]
    assert kinds([S.HOSPITALISATION]) == [K.SPONSOR_NOTIFICATION, K.SUSAR_OTHER]
    assert kinds([S.MEDICALLY_IMPORTANT]) == [K.SPONSOR_NOTIFICATION, K.SUSAR_OTHER]
    fatal = [K.SPONSOR_NOTIFICATION, K.SUSAR_FATAL_OR_LIFE_THREATENING, K.SUSAR_FOLLOW_UP]
    assert kinds([S.DEATH]) == fatal
    assert kinds([S.LIFE_THREATENING, S.HOSPITALISATION]) == fatal


def test_report_deadlines_and_rules() -> None:
    reports = expedited_reports(
        [S.LIFE_THREATENING],
        expected=False,
        attributions=[A.POSSIBLE],
        awareness=AWARE,
        site_timezone=SHANGHAI,
    )
    due = {r.kind: r.due for r in reports}
    assert due == {
        DeadlineKind.SPONSOR_NOTIFICATION: AWARE + timedelta(hours=24),
        DeadlineKind.SUSAR_FATAL_OR_LIFE_THREATENING: AWARE + timedelta(days=7),
        DeadlineKind.SUSAR_FOLLOW_UP: AWARE + timedelta(days=15),
    }
    assert all(r.due.tzinfo is UTC for r in reports)
    assert all(isinstance(r.rule, Message) for r in reports)
    assert str(reports[0].rule) == "Notify the sponsor within 24 hours of awareness."
    assert "7 calendar days" in str(reports[1].rule)
    assert "8 more calendar days" in str(reports[2].rule)


def test_timelines_are_protocol_settings() -> None:
    timelines = ReportingTimelines(
        sponsor_notification_hours=12,
        susar_fatal_or_life_threatening_days=5,
        susar_follow_up_days=3,
        susar_other_days=10,
    )
    common = {"awareness": AWARE, "site_timezone": SHANGHAI, "timelines": timelines}
    fatal = expedited_reports([S.DEATH], expected=False, attributions=[A.DEFINITE], **common)
    assert [r.due - AWARE for r in fatal] == [
        timedelta(hours=12),
        timedelta(days=5),
        timedelta(days=8),
    ]
    other = expedited_reports([S.DISABILITY], expected=False, attributions=[A.DEFINITE], **common)
    assert other[-1].due - AWARE == timedelta(days=10)
    assert "12 hours" in str(fatal[0].rule)


def test_default_timelines_match_the_protocol_file() -> None:
    defaults = ReportingTimelines()
    assert defaults.sponsor_notification_hours == 24
    assert defaults.susar_fatal_or_life_threatening_days == 7
    assert defaults.susar_follow_up_days == 8
    assert defaults.susar_other_days == 15


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "24"])
def test_timelines_must_be_whole_positive_numbers(bad: object) -> None:
    with pytest.raises(ReportingError) as caught:
        ReportingTimelines(sponsor_notification_hours=bad)  # type: ignore[arg-type]
    assert caught.value.field == "sponsor_notification_hours"
