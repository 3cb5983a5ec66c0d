"""Best overall response from a sequence of time-point responses (RECIST 1.1 §2.8, iRECIST §3.5).

This module owns the best-overall-response rules shared by RECIST 1.1 and
iRECIST: which time points count (those up to the first progression), CR/PR
confirmation, and the minimum duration for stable disease. It works on
criterion-neutral `Level`s; `recist` and `irecist` map their categories in
and out. Written by hand: no well-kept library implements RECIST.

Date arithmetic, in whole calendar days (`(later - earlier).days`):
- SD (or NON_CR_NON_PD, or NED) qualifies when `date - baseline_date >= sd_min_days`.
- A CR/PR at date d1 is confirmed by a later time point at d2 when
  `d2 - d1 >= confirmation_min_days`, that time point is at least as good
  (CR for CR; CR or PR for PR), and every time point between is at least as
  good or NE.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

from oncotrial.clinical.recist_flags import Flag
from oncotrial.clinical.recist_settings import ResponseSettings
from oncotrial.text import Message, gettext_noop


class Level(StrEnum):
    """A time-point response with the criterion's prefix removed.

    UPD is an iRECIST iUPD that was never confirmed; a confirmed iUPD and
    iCPD are both PD here.
    """

    CR = "CR"
    PR = "PR"
    SD = "SD"
    NON_CR_NON_PD = "NON_CR_NON_PD"
    NED = "NED"
    NE = "NE"
    UPD = "UPD"
    PD = "PD"


@dataclass(frozen=True)
class Visit:
    date: dt.date
    level: Level


_AT_LEAST_PR = frozenset({Level.CR, Level.PR})
_STABLE_OR_BETTER = frozenset({Level.CR, Level.PR, Level.SD, Level.NON_CR_NON_PD, Level.NED})


def best_overall_response(
    baseline_date: dt.date,
    visits: Sequence[Visit],
    settings: ResponseSettings,
    *,
    has_target_disease: bool,
) -> tuple[Level, list[Flag]]:
    """The best overall response and any flags (RECIST 1.1 §2.8 and Table 3; iRECIST §3.5).

    Only time points up to and including the first PD count. CR, then PR,
    win when present (confirmed, when `settings.confirm_response`); an
    unconfirmed CR/PR counts as SD. SD (NON_CR_NON_PD for non-target-only
    disease, NED with no disease at baseline) counts only from `sd_min_days`
    after baseline. Otherwise the result is PD if a PD was seen, else UPD if
    an unconfirmed iUPD was seen, else NE.
    """
    counted: list[Visit] = []
    for visit in visits:
        counted.append(visit)
        if visit.level is Level.PD:
            break
    flags: list[Flag] = []
    if settings.confirm_response:
        best = _best_confirmed(counted, settings)
        flags += _cr_then_pr_flags(counted)
    else:
        best = next(
            (lvl for lvl in (Level.CR, Level.PR) if any(v.level is lvl for v in counted)), None
        )
    if best is not None:
        return best, flags
    stable = Level.SD if has_target_disease else Level.NON_CR_NON_PD
    if any(v.level is Level.NED for v in counted):
        # Only a participant with no disease at baseline has NED time points:
        # with nothing to shrink, no evidence of disease is their best (§2.8 durations).
        stable = Level.NED
    if any(
        v.level in _STABLE_OR_BETTER and (v.date - baseline_date).days >= settings.sd_min_days
        for v in counted
    ):
        return stable, flags
    for fallback in (Level.PD, Level.UPD):
        if any(v.level is fallback for v in counted):
            return fallback, flags
    return Level.NE, flags


def is_confirmed(
    visits: Sequence[Visit], index: int, accepted: frozenset[Level], min_days: int
) -> bool:
    """Whether the response at `visits[index]` is confirmed by a later one (§2.8).

    A later time point at least `min_days` later with a level in `accepted`
    confirms it, provided every time point in between is in `accepted` or NE.
    """
    first = visits[index]
    for later in visits[index + 1 :]:
        if later.level not in accepted:
            if later.level is Level.NE:
                continue
            return False
        if (later.date - first.date).days >= min_days:
            return True
    return False


def _best_confirmed(visits: Sequence[Visit], settings: ResponseSettings) -> Level | None:
    days = settings.confirmation_min_days
    for level, accepted in ((Level.CR, frozenset({Level.CR})), (Level.PR, _AT_LEAST_PR)):
        for i, visit in enumerate(visits):
            # A CR followed by PR confirms PR (Table 3 note a: a doubtful CR).
            if visit.level in accepted and is_confirmed(visits, i, accepted, days):
                return level
    return None


def _cr_then_pr_flags(visits: Sequence[Visit]) -> list[Flag]:
    evaluable = [v for v in visits if v.level is not Level.NE]
    return [
        Flag(
            "cr_then_pr",
            Message(
                gettext_noop(
                    "CR on %(first)s was followed by PR on %(next)s: check whether the CR was "
                    "real (if it was, the later disease is progression; RECIST 1.1 Table 3 "
                    "note a). For confirmation it counts as PR."
                ),
                {"first": earlier.date.isoformat(), "next": later.date.isoformat()},
            ),
            later.date,
        )
        for earlier, later in pairwise(evaluable)
        if earlier.level is Level.CR and later.level is Level.PR
    ]
