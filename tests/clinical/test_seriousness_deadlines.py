"""Expedited-reporting deadlines across day, month, year, DST and time-zone boundaries."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oncotrial.clinical.seriousness import (
    ReportingError,
    calendar_day_deadline,
    hours_deadline,
    is_overdue,
    sponsor_notification_due,
    susar_follow_up_due,
    susar_initial_due,
    time_remaining,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")  # UTC+8 all year
LONDON = ZoneInfo("Europe/London")  # GMT / BST


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# ---------------------------------------------------------------- hours


def test_sponsor_notification_is_24_elapsed_hours() -> None:
    aware = datetime(2025, 3, 10, 15, 20, tzinfo=SHANGHAI)
    assert sponsor_notification_due(aware) == utc(2025, 3, 11, 7, 20)


def test_sponsor_notification_across_a_clock_change() -> None:
    # Europe/London springs forward at 01:00 UTC on 30 March 2025: 24 elapsed
    # hours after noon GMT is 13:00 BST on the wall clock.
    aware = datetime(2025, 3, 29, 12, 0, tzinfo=LONDON)
    due = sponsor_notification_due(aware)
    assert due == utc(2025, 3, 30, 12, 0)
    assert due.astimezone(LONDON).time() == time(13, 0)


def test_sponsor_notification_across_midnight_month_and_year() -> None:
    aware = datetime(2025, 12, 31, 22, 45, tzinfo=SHANGHAI)
    assert sponsor_notification_due(aware) == utc(2026, 1, 1, 14, 45)
    assert hours_deadline(aware, 48) == utc(2026, 1, 2, 14, 45)


# -------------------------------------------------------- calendar days


def test_seven_days_across_a_month_boundary() -> None:
    aware = datetime(2025, 1, 28, 10, 0, tzinfo=SHANGHAI)  # 02:00 UTC
    due = susar_initial_due(aware, SHANGHAI, fatal_or_life_threatening=True)
    assert due == utc(2025, 2, 4, 2, 0)


def test_fifteen_days_across_a_year_boundary() -> None:
    aware = datetime(2025, 12, 28, 9, 0, tzinfo=SHANGHAI)
    due = susar_initial_due(aware, SHANGHAI, fatal_or_life_threatening=False)
    assert due == utc(2026, 1, 12, 1, 0)


def test_leap_day() -> None:
    aware = datetime(2028, 2, 25, 8, 0, tzinfo=SHANGHAI)
    assert calendar_day_deadline(aware, 7, SHANGHAI) == utc(2028, 3, 3, 0, 0)


def test_day_zero_is_the_local_day_of_awareness() -> None:
    # 07:30 on 1 June in Shanghai is still 31 May in UTC; day 7 is 8 June
    # locally, and awareness + 7 × 24 h (7 June 23:30 UTC) ends before it.
    aware = datetime(2025, 6, 1, 7, 30, tzinfo=SHANGHAI)
    due = calendar_day_deadline(aware, 7, SHANGHAI)
    assert due == utc(2025, 6, 7, 23, 30)
    assert due.astimezone(SHANGHAI).date().isoformat() == "2025-06-08"


def test_spring_forward_end_of_day_is_earlier() -> None:
    # Awareness 23:30 GMT on Saturday 29 March 2025 (day 0). Seven elapsed days
    # later is 00:30 BST on 6 April, which is already day 8 on the site's
    # calendar; the end of day 7 (midnight BST = 23:00 UTC) comes first.
    aware = datetime(2025, 3, 29, 23, 30, tzinfo=LONDON)
    due = susar_initial_due(aware, LONDON, fatal_or_life_threatening=True)
    assert due == utc(2025, 4, 5, 23, 0)
    assert due.astimezone(LONDON) == datetime(2025, 4, 6, 0, 0, tzinfo=LONDON)
    # (Python adds a timedelta to a zoned datetime on the wall clock: go through UTC.)
    assert due < aware.astimezone(UTC) + timedelta(days=7)
    # One day: end of Sunday 30 March (BST) again beats 24 elapsed hours.
    assert calendar_day_deadline(aware, 1, LONDON) == utc(2025, 3, 30, 23, 0)


def test_fall_back_elapsed_time_is_earlier() -> None:
    # Awareness 23:30 BST on 25 October 2025; clocks fall back on the 26th.
    # Seven elapsed days end at 22:30 GMT on 1 November, before midnight.
    aware = datetime(2025, 10, 25, 23, 30, tzinfo=LONDON)
    due = calendar_day_deadline(aware, 7, LONDON)
    assert due == aware.astimezone(UTC) + timedelta(days=7) == utc(2025, 11, 1, 22, 30)
    assert due.astimezone(LONDON).time() == time(22, 30)


def test_same_instant_in_different_sites() -> None:
    aware = utc(2025, 3, 29, 23, 30)
    # Shanghai: 07:30 on 30 March, no clock change: seven elapsed days.
    assert calendar_day_deadline(aware, 7, SHANGHAI) == utc(2025, 4, 5, 23, 30)
    # London: the spring change shortens the week (see above).
    assert calendar_day_deadline(aware, 7, "Europe/London") == utc(2025, 4, 5, 23, 0)


def test_awareness_in_any_offset_means_the_same_instant() -> None:
    as_utc = utc(2025, 7, 1, 18, 0)
    as_shanghai = as_utc.astimezone(SHANGHAI)
    as_fixed = as_utc.astimezone(timezone(timedelta(hours=-5)))
    for site in (SHANGHAI, LONDON):
        dues = {calendar_day_deadline(a, 15, site) for a in (as_utc, as_shanghai, as_fixed)}
        assert len(dues) == 1


def test_day_zero_deadline_is_awareness() -> None:
    aware = datetime(2025, 7, 1, 18, 0, tzinfo=SHANGHAI)
    assert calendar_day_deadline(aware, 0, SHANGHAI) == aware


# ------------------------------------------------------------ follow-up


def test_follow_up_without_initial_report_is_day_15() -> None:
    aware = datetime(2025, 5, 6, 14, 0, tzinfo=SHANGHAI)
    assert susar_follow_up_due(aware, SHANGHAI) == aware + timedelta(days=15)


def test_follow_up_counts_from_an_early_initial_report() -> None:
    aware = datetime(2025, 5, 6, 14, 0, tzinfo=SHANGHAI)
    initial = aware + timedelta(days=2, hours=3)
    assert susar_follow_up_due(aware, SHANGHAI, initial_report_at=initial) == initial + timedelta(
        days=8
    )


def test_follow_up_never_later_than_day_15() -> None:
    aware = datetime(2025, 5, 6, 14, 0, tzinfo=SHANGHAI)
    late = aware + timedelta(days=9)
    assert susar_follow_up_due(aware, SHANGHAI, initial_report_at=late) == aware + timedelta(
        days=15
    )


def test_initial_report_before_awareness_is_refused() -> None:
    aware = utc(2025, 5, 6, 14, 0)
    with pytest.raises(ReportingError) as caught:
        susar_follow_up_due(aware, SHANGHAI, initial_report_at=aware - timedelta(minutes=1))
    assert caught.value.field == "initial_report_at"


# ------------------------------------------------------- time remaining


def test_time_remaining_and_overdue() -> None:
    due = utc(2025, 5, 7, 9, 30)
    assert time_remaining(due, utc(2025, 5, 6, 9, 30)) == timedelta(hours=24)
    assert time_remaining(due, datetime(2025, 5, 7, 17, 0, tzinfo=SHANGHAI)) == timedelta(
        minutes=30
    )
    assert not is_overdue(due, due)  # a report exactly at the deadline is on time
    assert is_overdue(due, due + timedelta(microseconds=1))
    assert time_remaining(due, due + timedelta(hours=2)) == -timedelta(hours=2)


# ------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: sponsor_notification_due(datetime(2025, 1, 1, 9, 0)), "awareness"),
        (lambda: calendar_day_deadline(datetime(2025, 1, 1), 7, SHANGHAI), "awareness"),
        (lambda: calendar_day_deadline(utc(2025, 1, 1), 7, "Mars/Olympus"), "site_timezone"),
        (lambda: calendar_day_deadline(utc(2025, 1, 1), -1, SHANGHAI), "days"),
        (lambda: time_remaining(utc(2025, 1, 1), datetime(2025, 1, 1)), "now"),
        (lambda: time_remaining("2025-01-01", utc(2025, 1, 1)), "due"),  # type: ignore[arg-type]
    ],
)
def test_bad_input_names_the_field(call: object, field: str) -> None:
    with pytest.raises(ReportingError) as caught:
        call()  # type: ignore[operator]
    assert caught.value.field == field
    assert str(caught.value.message)


# ------------------------------------------------------------ properties

ZONES = [
    "Asia/Shanghai",
    "Europe/London",
    "America/New_York",
    "Australia/Lord_Howe",  # 30-minute clock changes
    "America/Santiago",  # clock changes at midnight
    "Pacific/Chatham",
    "UTC",
]
instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)
)


@settings(max_examples=500, deadline=None)
@given(instants, st.integers(min_value=0, max_value=30), st.sampled_from(ZONES))
def test_calendar_deadline_is_the_earlier_reading(aware: datetime, days: int, zone: str) -> None:
    site = ZoneInfo(zone)
    due = calendar_day_deadline(aware, days, zone)
    elapsed = aware + timedelta(days=days)
    local_day_n = aware.astimezone(site).date() + timedelta(days=days)
    end_of_day_n = datetime.combine(local_day_n + timedelta(days=1), time(0), tzinfo=site)
    assert due.tzinfo is UTC
    assert aware <= due <= elapsed
    assert due <= end_of_day_n
    # Never earlier than a clock change (at most an hour) can explain.
    assert due >= elapsed - timedelta(hours=1)
    # On the site's calendar the deadline falls on day N, or is the midnight ending it.
    local_due = due.astimezone(site)
    assert local_due.date() <= local_day_n or local_due == end_of_day_n.astimezone(site)


@settings(max_examples=300, deadline=None)
@given(instants, instants, st.integers(min_value=0, max_value=30), st.sampled_from(ZONES))
def test_later_awareness_never_gives_an_earlier_deadline(
    a: datetime, b: datetime, days: int, zone: str
) -> None:
    first, second = sorted((a, b))
    assert calendar_day_deadline(first, days, zone) <= calendar_day_deadline(second, days, zone)


@settings(max_examples=200, deadline=None)
@given(instants, instants)
def test_time_remaining_adds_up(due: datetime, now: datetime) -> None:
    assert now + time_remaining(due, now) == due
    assert is_overdue(due, now) is (now > due)
