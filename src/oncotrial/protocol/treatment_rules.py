"""The protocol's rules for radiotherapy courses (issue: the clinical course).

Pure. A rule returns the ways a course breaks the protocol; an empty list
means it follows it. Breaking a rule is still possible in the application,
but only as a recorded protocol deviation with a reason — never silently.

Sources: the registry's arms (clinical-rules.md §1.4): consolidation
radiotherapy "after all planned cycles of chemotherapy combined with PD-1
inhibitor completed"; salvage radiotherapy "when disease progressed and
salvage radiotherapy is recommended by multidisciplinary team". The timing
window of consolidation is a protocol setting (§9.7,
settings.radiotherapy.consolidation_start_*_days_after_last_cycle).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from oncotrial.text import Message, gettext_noop


@dataclass(frozen=True)
class MdtDecision:
    decided_on: dt.date
    recommends_salvage_radiotherapy: bool


def consolidation_violations(
    *,
    arm: str,
    course_start: dt.date,
    last_cycle: dt.date | None,
    cycles_given: int,
    cycles_planned: int,
    min_days_after_last_cycle: int,
    max_days_after_last_cycle: int,
) -> list[Message]:
    """How a consolidation course breaks the protocol (empty: it does not)."""
    problems = []
    if arm != "consolidation":
        problems.append(
            Message(
                gettext_noop(
                    "A consolidation course belongs to the consolidation arm; this participant "
                    "is in the %(arm)s arm."
                ),
                {"arm": arm},
            )
        )
    if last_cycle is None or cycles_given < cycles_planned:
        problems.append(
            Message(
                gettext_noop(
                    "Consolidation follows the planned systemic cycles: %(given)s of %(planned)s "
                    "given."
                ),
                {"given": cycles_given, "planned": cycles_planned},
            )
        )
    if last_cycle is not None:
        gap = (course_start - last_cycle).days
        if not min_days_after_last_cycle <= gap <= max_days_after_last_cycle:
            problems.append(
                Message(
                    gettext_noop(
                        "Consolidation starts %(low)s to %(high)s days after the last cycle; "
                        "this course starts %(gap)s days after it."
                    ),
                    {
                        "low": min_days_after_last_cycle,
                        "high": max_days_after_last_cycle,
                        "gap": gap,
                    },
                )
            )
    return problems


def salvage_violations(
    *,
    course_start: dt.date,
    progression_dates: Sequence[dt.date],
    mdt_decisions: Sequence[MdtDecision],
) -> list[Message]:
    """How a salvage course breaks the protocol: it needs a recorded progression
    and, after it and no later than the course's start, an MDT recommendation."""
    before = [d for d in progression_dates if d <= course_start]
    if not before:
        return [
            Message(
                gettext_noop(
                    "Salvage radiotherapy needs a progression recorded on or before its start."
                )
            )
        ]
    progression = max(before)
    recommending = [
        m
        for m in mdt_decisions
        if m.recommends_salvage_radiotherapy and progression <= m.decided_on <= course_start
    ]
    if not recommending:
        return [
            Message(
                gettext_noop(
                    "Salvage radiotherapy needs a multidisciplinary team decision recommending "
                    "it, dated between the progression (%(progression)s) and the start."
                ),
                {"progression": progression.isoformat()},
            )
        ]
    return []
