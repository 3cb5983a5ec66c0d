"""Seriousness of an adverse event, relatedness, and expedited-reporting deadlines.

Owns: the ICH E2A seriousness criteria, recorded independently of the CTCAE
grade; the five-level attribution scale and which levels count as related;
which expedited reports a serious event needs (sponsor notification, SUSAR
reports); and when each is due, as pure functions of the moment of first
awareness, with the timelines as protocol settings.

Sources: clinical-rules.md §4.3 (criteria; severity is not seriousness;
investigator -> sponsor within 24 h; SUSARs: fatal or life-threatening within
7 calendar days with follow-up within 8 more, others within 15; Day 0 = first
awareness) and §9.9 (the reporting SOP is a protocol setting). The defaults
match `[settings.safety]` of protocols/eso_rt.toml.

How a deadline instant is computed (all results are timezone-aware UTC):

* Hours (sponsor notification): awareness + N hours of elapsed time.
* Calendar days ("within N calendar days", Day 0 = the day of first
  awareness): the *earlier* of
  (a) awareness + N × 24 hours of elapsed time, and
  (b) the end of calendar day N in the site's time zone (the midnight that
      starts day N + 1).
  Regulators count calendar days, so (b) is the reading of the rule; (a) is
  what "within 7 days" means to anyone counting hours. Taking the earlier
  instant means a report on time by this clock is on time by either reading.
  (a) is almost always the earlier one; (b) wins only when a clock change
  shortens the days in between (e.g. awareness at 23:30 the evening before
  the spring change in Europe/London), so the end of day N can never be
  overshot because of daylight saving time.
* SUSAR follow-up ("within 8 more days"): counted from the initial report
  when it has been made, and never later than 7 + 8 days from awareness;
  the earlier applies.

A report made at or before the due instant is on time. Every clock runs from
the awareness passed in: give the earliest known (normally the site's first
awareness), which is never later than the sponsor's own. `site_timezone` is
the zone whose calendar counts the days (the site's, or the regulator's if a
protocol says so); it changes a due instant only through daylight saving.
Until expectedness and causality are assessed the event is treated as a SUSAR
(see `is_susar`), so no clock starts late.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import UTC, datetime, time, timedelta, tzinfo
from enum import StrEnum
from zoneinfo import ZoneInfo

from oncotrial.text import Message, gettext_noop

__all__ = [
    "ATTRIBUTION_LABELS",
    "CRITERION_LABELS",
    "DEFAULT_TIMELINES",
    "RELATED_ATTRIBUTIONS",
    "Attribution",
    "Deadline",
    "DeadlineKind",
    "ReportingError",
    "ReportingTimelines",
    "SeriousnessCriterion",
    "any_related",
    "calendar_day_deadline",
    "expedited_reports",
    "hours_deadline",
    "is_fatal_or_life_threatening",
    "is_overdue",
    "is_related",
    "is_serious",
    "is_susar",
    "sponsor_notification_due",
    "susar_follow_up_due",
    "susar_initial_due",
    "time_remaining",
]


class ReportingError(ValueError):
    """An input a deadline cannot be computed from, naming the field."""

    def __init__(self, field: str, message: Message) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


# ------------------------------------------------------------- seriousness


class SeriousnessCriterion(StrEnum):
    """ICH E2A criteria; any one makes the event serious, whatever its grade."""

    DEATH = "death"
    LIFE_THREATENING = "life_threatening"  # at risk of death at the time, not hypothetically
    HOSPITALISATION = "hospitalisation"  # inpatient admission or prolonged stay
    DISABILITY = "disability"  # persistent or significant disability/incapacity
    CONGENITAL_ANOMALY = "congenital_anomaly"
    MEDICALLY_IMPORTANT = "medically_important"  # other important medical event


CRITERION_LABELS: dict[SeriousnessCriterion, str] = {
    SeriousnessCriterion.DEATH: gettext_noop("Results in death"),
    SeriousnessCriterion.LIFE_THREATENING: gettext_noop("Life-threatening"),
    SeriousnessCriterion.HOSPITALISATION: gettext_noop(
        "Requires inpatient hospitalisation or prolongs existing hospitalisation"
    ),
    SeriousnessCriterion.DISABILITY: gettext_noop(
        "Results in persistent or significant disability or incapacity"
    ),
    SeriousnessCriterion.CONGENITAL_ANOMALY: gettext_noop("Congenital anomaly or birth defect"),
    SeriousnessCriterion.MEDICALLY_IMPORTANT: gettext_noop("Other important medical event"),
}


def is_serious(criteria: Iterable[SeriousnessCriterion]) -> bool:
    """Whether any seriousness criterion is met (the grade plays no part, §4.3)."""
    return bool([SeriousnessCriterion(c) for c in criteria])


def is_fatal_or_life_threatening(criteria: Iterable[SeriousnessCriterion]) -> bool:
    """Whether the event is fatal or life-threatening (the 7-day SUSAR clock)."""
    wanted = {SeriousnessCriterion.DEATH, SeriousnessCriterion.LIFE_THREATENING}
    return any(SeriousnessCriterion(c) in wanted for c in criteria)


# ------------------------------------------------------------- relatedness


class Attribution(StrEnum):
    """The five-level scale of attribution to one intervention."""

    UNRELATED = "unrelated"
    UNLIKELY = "unlikely"
    POSSIBLE = "possible"
    PROBABLE = "probable"
    DEFINITE = "definite"


ATTRIBUTION_LABELS: dict[Attribution, str] = {
    Attribution.UNRELATED: gettext_noop("Unrelated"),
    Attribution.UNLIKELY: gettext_noop("Unlikely"),
    Attribution.POSSIBLE: gettext_noop("Possible"),
    Attribution.PROBABLE: gettext_noop("Probable"),
    Attribution.DEFINITE: gettext_noop("Definite"),
}

# "A reasonable possibility" of a causal relationship (ICH E2A).
RELATED_ATTRIBUTIONS = frozenset({Attribution.POSSIBLE, Attribution.PROBABLE, Attribution.DEFINITE})


def is_related(attribution: Attribution) -> bool:
    """Whether one attribution counts as related: possible, probable or definite."""
    return Attribution(attribution) in RELATED_ATTRIBUTIONS


def any_related(attributions: Iterable[Attribution]) -> bool | None:
    """Whether the event is related to any intervention; None if none was assessed."""
    assessed = [Attribution(a) for a in attributions]
    if not assessed:
        return None
    return any(a in RELATED_ATTRIBUTIONS for a in assessed)


def is_susar(
    criteria: Iterable[SeriousnessCriterion],
    *,
    expected: bool | None,
    attributions: Iterable[Attribution],
) -> bool:
    """Whether the event is a suspected unexpected serious adverse reaction.

    Not yet assessed counts against waiting: `expected=None` is treated as
    unexpected and no attribution at all as related, so the regulatory clock
    starts as soon as seriousness is recorded and stops applying only once
    the assessments say so. `attributions` are those to the interventions the
    protocol counts for expedited reporting.
    """
    related = any_related(attributions)
    return is_serious(criteria) and expected is not True and related is not False


# ---------------------------------------------------------------- settings


@dataclass(frozen=True, slots=True)
class ReportingTimelines:
    """The protocol's expedited-reporting timelines (§4.3, §9.9)."""

    sponsor_notification_hours: int = 24
    susar_fatal_or_life_threatening_days: int = 7
    susar_follow_up_days: int = 8
    susar_other_days: int = 15

    def __post_init__(self) -> None:
        for setting in fields(self):
            value = getattr(self, setting.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ReportingError(
                    setting.name,
                    Message(
                        gettext_noop("A reporting timeline must be a whole number above 0."),
                    ),
                )


DEFAULT_TIMELINES = ReportingTimelines()


# --------------------------------------------------------------- deadlines


class DeadlineKind(StrEnum):
    """An expedited report with a clock."""

    SPONSOR_NOTIFICATION = "sponsor_notification"
    SUSAR_FATAL_OR_LIFE_THREATENING = "susar_fatal_or_life_threatening"
    SUSAR_FOLLOW_UP = "susar_follow_up"
    SUSAR_OTHER = "susar_other"


@dataclass(frozen=True, slots=True)
class Deadline:
    """When one expedited report is due (UTC), and the rule that set it."""

    kind: DeadlineKind
    due: datetime
    rule: Message


def _aware(moment: datetime, field: str) -> datetime:
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise ReportingError(
            field,
            Message(gettext_noop("A date and time with its time zone is needed.")),
        )
    return moment.astimezone(UTC)


def _zone(site_timezone: tzinfo | str) -> tzinfo:
    if isinstance(site_timezone, tzinfo):
        return site_timezone
    try:
        return ZoneInfo(site_timezone)
    except (ValueError, LookupError):  # ZoneInfoNotFoundError is a KeyError
        raise ReportingError(
            "site_timezone",
            Message(
                gettext_noop("%(zone)s is not a known time zone."), {"zone": str(site_timezone)}
            ),
        ) from None


def hours_deadline(awareness: datetime, hours: int) -> datetime:
    """`hours` of elapsed time after awareness, in UTC."""
    return _aware(awareness, "awareness") + timedelta(hours=hours)


def calendar_day_deadline(awareness: datetime, days: int, site_timezone: tzinfo | str) -> datetime:
    """Due instant of "within `days` calendar days, Day 0 = awareness", in UTC.

    The earlier of awareness + days × 24 h and the end of day `days` in the
    site's time zone (see the module notes for why).
    """
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ReportingError(
            "days", Message(gettext_noop("A number of days must be a whole number, 0 or more."))
        )
    start = _aware(awareness, "awareness")
    zone = _zone(site_timezone)
    day_zero = start.astimezone(zone).date()
    # Midnight starting day N + 1, local; fold=0 takes the earlier instant if
    # midnight is repeated, and a skipped midnight maps to the moment of the jump.
    end_of_day_n = datetime.combine(day_zero + timedelta(days=days + 1), time(0), tzinfo=zone)
    return min(start + timedelta(days=days), end_of_day_n.astimezone(UTC))


def sponsor_notification_due(
    awareness: datetime, timelines: ReportingTimelines = DEFAULT_TIMELINES
) -> datetime:
    """When the site must have notified the sponsor of a serious event (UTC)."""
    return hours_deadline(awareness, timelines.sponsor_notification_hours)


def susar_initial_due(
    awareness: datetime,
    site_timezone: tzinfo | str,
    *,
    fatal_or_life_threatening: bool,
    timelines: ReportingTimelines = DEFAULT_TIMELINES,
) -> datetime:
    """When the initial SUSAR report to the regulator is due (UTC)."""
    days = (
        timelines.susar_fatal_or_life_threatening_days
        if fatal_or_life_threatening
        else timelines.susar_other_days
    )
    return calendar_day_deadline(awareness, days, site_timezone)


def susar_follow_up_due(
    awareness: datetime,
    site_timezone: tzinfo | str,
    *,
    initial_report_at: datetime | None = None,
    timelines: ReportingTimelines = DEFAULT_TIMELINES,
) -> datetime:
    """When the follow-up of a fatal or life-threatening SUSAR is due (UTC).

    The earlier of (7 + 8) calendar days from awareness and 8 calendar days
    from the initial report, when it has been made (Day 0 = its day).
    """
    latest = calendar_day_deadline(
        awareness,
        timelines.susar_fatal_or_life_threatening_days + timelines.susar_follow_up_days,
        site_timezone,
    )
    if initial_report_at is None:
        return latest
    if _aware(initial_report_at, "initial_report_at") < _aware(awareness, "awareness"):
        raise ReportingError(
            "initial_report_at",
            Message(gettext_noop("The initial report cannot precede awareness of the event.")),
        )
    after_initial = calendar_day_deadline(
        initial_report_at, timelines.susar_follow_up_days, site_timezone
    )
    return min(latest, after_initial)


def expedited_reports(
    criteria: Iterable[SeriousnessCriterion],
    *,
    expected: bool | None,
    attributions: Iterable[Attribution],
    awareness: datetime,
    site_timezone: tzinfo | str,
    timelines: ReportingTimelines = DEFAULT_TIMELINES,
    initial_report_at: datetime | None = None,
) -> tuple[Deadline, ...]:
    """The expedited reports an event needs, with their due instants (UTC).

    None for a non-serious event; sponsor notification for every serious
    event; and for a SUSAR (see `is_susar`) the 7-day report plus its
    follow-up when fatal or life-threatening, otherwise the 15-day report.
    """
    criteria = [SeriousnessCriterion(c) for c in criteria]
    attributions = [Attribution(a) for a in attributions]
    if not is_serious(criteria):
        return ()
    hours = timelines.sponsor_notification_hours
    deadlines = [
        Deadline(
            DeadlineKind.SPONSOR_NOTIFICATION,
            sponsor_notification_due(awareness, timelines),
            Message(
                gettext_noop("Notify the sponsor within %(hours)s hours of awareness."),
                {"hours": hours},
            ),
        )
    ]
    if not is_susar(criteria, expected=expected, attributions=attributions):
        return tuple(deadlines)
    if is_fatal_or_life_threatening(criteria):
        days = timelines.susar_fatal_or_life_threatening_days
        follow_up = timelines.susar_follow_up_days
        deadlines += [
            Deadline(
                DeadlineKind.SUSAR_FATAL_OR_LIFE_THREATENING,
                susar_initial_due(
                    awareness, site_timezone, fatal_or_life_threatening=True, timelines=timelines
                ),
                Message(
                    gettext_noop(
                        "Report the fatal or life-threatening SUSAR within %(days)s calendar "
                        "days (Day 0 = first awareness)."
                    ),
                    {"days": days},
                ),
            ),
            Deadline(
                DeadlineKind.SUSAR_FOLLOW_UP,
                susar_follow_up_due(
                    awareness,
                    site_timezone,
                    initial_report_at=initial_report_at,
                    timelines=timelines,
                ),
                Message(
                    gettext_noop(
                        "Complete the SUSAR follow-up report within %(follow_up)s more "
                        "calendar days."
                    ),
                    {"follow_up": follow_up},
                ),
            ),
        ]
    else:
        days = timelines.susar_other_days
        deadlines.append(
            Deadline(
                DeadlineKind.SUSAR_OTHER,
                susar_initial_due(
                    awareness, site_timezone, fatal_or_life_threatening=False, timelines=timelines
                ),
                Message(
                    gettext_noop(
                        "Report the SUSAR within %(days)s calendar days (Day 0 = first awareness)."
                    ),
                    {"days": days},
                ),
            )
        )
    return tuple(deadlines)


def time_remaining(due: datetime, now: datetime) -> timedelta:
    """Time left until `due` at `now`; negative once overdue."""
    return _aware(due, "due") - _aware(now, "now")


def is_overdue(due: datetime, now: datetime) -> bool:
    """Whether `now` is past `due` (a report exactly at `due` is on time)."""
    return time_remaining(due, now) < timedelta(0)
