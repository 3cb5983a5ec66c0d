"""Calendar arithmetic the eligibility rules need, exact to the day.

This module owns age in completed years on a date (`age_in_years`, with the
29 February convention for a minimum age) and adding calendar months
(`add_months`, used by the look-back window of E3). Pure date logic: no evidence
and no rules.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Literal


def age_in_years(
    date_of_birth: date,
    on: date,
    *,
    leap_day_birthday: Literal["march_1", "february_28"] = "march_1",
) -> int:
    """Age in completed years on a date.

    Someone born on 29 February has a birthday in a common year on 1 March by
    default (so turns 18 a day later than on 28 February): the conservative choice
    for a minimum age. `leap_day_birthday` chooses the other convention.
    """
    if date_of_birth > on:
        raise ValueError("date_of_birth must not be after the date the age is taken on")
    birthday = (date_of_birth.month, date_of_birth.day)
    if birthday == (2, 29) and not calendar.isleap(on.year):
        birthday = (3, 1) if leap_day_birthday == "march_1" else (2, 28)
    return on.year - date_of_birth.year - ((on.month, on.day) < birthday)


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` calendar months later (earlier if negative).

    A day that does not exist in the target month becomes its last day:
    31 August minus 6 months is 28 February, or 29 February in a leap year.
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))
