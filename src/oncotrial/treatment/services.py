"""Recording the clinical course; every rule is the pure core's.

A dose outside the protocol's expected range needs confirmation; a
radiotherapy course that breaks an arm's rule is saved only as a recorded
protocol deviation with its reason. Nothing is accepted silently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from oncotrial.audit.services import save_record
from oncotrial.clinical.dose_check import dose_warning, expected_dose
from oncotrial.clinical.dosing import bsa_dubois, bsa_mosteller
from oncotrial.participants.models import Participant
from oncotrial.protocol.schedule import planned_visits
from oncotrial.protocol.treatment_rules import (
    MdtDecision as RuleMdtDecision,
)
from oncotrial.protocol.treatment_rules import (
    consolidation_violations,
    salvage_violations,
)
from oncotrial.text import Message
from oncotrial.treatment.models import (
    AgentDose,
    MdtDecision,
    Progression,
    ProtocolDeviation,
    RadiotherapyCourse,
    RadiotherapyTarget,
    SystemicCycle,
    Visit,
)
from oncotrial.trial.current import current_protocol


class NeedsConfirmation(Exception):
    """Doses outside the expected range, per dose row, awaiting confirmation."""

    def __init__(self, warnings: dict[int, Message]):
        self.warnings = warnings
        super().__init__("; ".join(str(w) for w in warnings.values()))


class BreaksProtocol(Exception):
    """A radiotherapy course that breaks the protocol, with the rules broken."""

    def __init__(self, violations: list[Message]):
        self.violations = violations
        super().__init__("; ".join(str(v) for v in violations))


def plan_schedule(participant: Participant, anchor: dt.date) -> list[Visit]:
    """The participant's visits from the protocol, anchored on the allocation
    day, not yet stored (the allocation stores them with itself)."""
    return [
        Visit(
            participant=participant,
            visit_id=planned.visit_id,
            target_date=planned.target,
            earliest=planned.earliest,
            latest=planned.latest,
        )
        for planned in planned_visits(current_protocol().schedule.visits, anchor)
    ]


def systemic_visit_ids() -> list[str]:
    """The visits at which a systemic cycle is planned, in order."""
    protocol = current_protocol()
    return [
        v.visit_id
        for v in planned_visits(protocol.schedule.visits, dt.date(2000, 1, 1))
        if "systemic_therapy" in v.assessments
    ]


def planned_cycles() -> int:
    return len(systemic_visit_ids())


def compute_bsa(height_cm: Decimal, weight_kg: Decimal, formula: str) -> Decimal:
    value = (bsa_dubois if formula == "dubois" else bsa_mosteller)(
        float(height_cm), float(weight_kg)
    )
    return Decimal(str(round(value, 2)))


def dose_warnings(cycle: SystemicCycle, doses: Sequence[AgentDose]) -> dict[int, Message]:
    """Each dose row (by index) whose dose lies outside the protocol's expected range."""
    dosing = current_protocol().dosing
    table = {a.id: a for a in dosing.agents}
    warnings = {}
    for i, dose in enumerate(doses):
        agent = table.get(dose.agent)
        if agent is None:
            continue  # "other" PD-1 inhibitors have no reference dose
        expected = expected_dose(
            basis=agent.basis,
            low=agent.low,
            high=agent.high,
            tolerance_percent=dosing.tolerance_percent,
            bsa_m2=cycle.bsa_m2,
            weight_kg=cycle.weight_kg,
            gfr_ml_per_min=cycle.creatinine_clearance,
        )
        for amount in {dose.prescribed_mg, dose.given_mg}:
            warning = dose_warning(dose.agent, amount, expected)
            if warning is not None:
                warnings[i] = warning
                break
    return warnings


def record_cycle(cycle: SystemicCycle, doses: Sequence[AgentDose], actor: Any) -> SystemicCycle:
    """Store a cycle and its doses; unconfirmed doses outside range are refused."""
    cycle.bsa_m2 = compute_bsa(cycle.height_cm, cycle.weight_kg, cycle.bsa_formula)
    warnings = {
        i: w for i, w in dose_warnings(cycle, doses).items() if not doses[i].confirmed_outside_range
    }
    if warnings:
        raise NeedsConfirmation(warnings)
    with transaction.atomic():
        save_record(cycle, actor=actor)
        for dose in doses:
            dose.cycle = cycle
            save_record(dose, actor=actor)
        ids = systemic_visit_ids()
        if 1 <= cycle.number <= len(ids):
            visit = Visit.objects.filter(
                participant=cycle.participant, visit_id=ids[cycle.number - 1], done_on__isnull=True
            ).first()
            if visit is not None:
                visit.done_on = cycle.given_on
                save_record(visit, actor=actor)
    return cycle


def course_violations(course: RadiotherapyCourse) -> list[Message]:
    participant = course.participant
    allocation = getattr(participant, "allocation", None)
    if course.intent == "consolidation":
        settings_ = current_protocol().settings.radiotherapy
        cycles = participant.cycles.filter(voided_at__isnull=True).order_by("given_on")
        last = cycles.last()
        return consolidation_violations(
            arm=allocation.arm if allocation else "",
            course_start=course.started_on,
            last_cycle=last.given_on if last else None,
            cycles_given=cycles.count(),
            cycles_planned=planned_cycles(),
            min_days_after_last_cycle=settings_.consolidation_start_min_days_after_last_cycle,
            max_days_after_last_cycle=settings_.consolidation_start_max_days_after_last_cycle,
        )
    return salvage_violations(
        course_start=course.started_on,
        progression_dates=list(
            participant.progressions.filter(voided_at__isnull=True).values_list(
                "progressed_on", flat=True
            )
        ),
        mdt_decisions=[
            RuleMdtDecision(m.decided_on, m.recommends_salvage_radiotherapy)
            for m in participant.mdt_decisions.filter(voided_at__isnull=True)
        ],
    )


def record_course(
    course: RadiotherapyCourse,
    targets: Sequence[RadiotherapyTarget],
    actor: Any,
    deviation_reason: str = "",
) -> RadiotherapyCourse:
    """Store a course; one that breaks a rule needs a recorded deviation and its reason."""
    violations = course_violations(course)
    if violations and not deviation_reason.strip():
        raise BreaksProtocol(violations)
    with transaction.atomic():
        if violations:
            deviation = ProtocolDeviation(
                participant=course.participant,
                category="radiotherapy",
                occurred_on=course.started_on,
                description=deviation_reason.strip(),
                rule_broken=" ".join(v.render(_) for v in violations),
                recorded_by=actor,
            )
            save_record(deviation, actor=actor)
            course.deviation = deviation
        save_record(course, actor=actor)
        for target in targets:
            target.course = course
            save_record(target, actor=actor)
    return course


def record(record_: Any, actor: Any) -> Any:
    """Store a simple record (progression, MDT decision, follow-up, deviation)."""
    save_record(record_, actor=actor)
    return record_


__all__ = [
    "BreaksProtocol",
    "MdtDecision",
    "NeedsConfirmation",
    "Progression",
    "plan_schedule",
    "record",
    "record_course",
    "record_cycle",
]
