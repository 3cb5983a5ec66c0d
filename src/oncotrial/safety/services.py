"""Adverse-event rules and reporting deadlines (all from the pure core).

Rules of issue 7 item 4: onset before consent is medical history, not an
adverse event; resolution cannot precede onset; grade 5 needs a recorded
death; a change of grade after entry needs a reason (the audit's general
rule). Deadlines: `oncotrial.clinical.seriousness` with the protocol's
safety settings and the site's time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from oncotrial.accounts.models import Membership
from oncotrial.accounts.roles import Role
from oncotrial.audit.services import save_record
from oncotrial.clinical import seriousness
from oncotrial.participants.models import Participant
from oncotrial.safety.models import AdverseEvent, Attribution, ExpeditedReport
from oncotrial.trial.current import current_protocol


def interventions_received(participant: Participant) -> list[str]:
    """Radiotherapy and each agent the participant has been given, in a stable order."""
    received = []
    if participant.radiotherapy.filter(voided_at__isnull=True).exists():
        received.append("radiotherapy")
    from oncotrial.treatment.models import AgentDose

    agents = (
        AgentDose.objects.filter(cycle__participant=participant, voided_at__isnull=True)
        .values_list("agent", flat=True)
        .distinct()
    )
    return received + sorted(set(agents))


def timelines() -> seriousness.ReportingTimelines:
    s = current_protocol().settings.safety
    return seriousness.ReportingTimelines(
        sponsor_notification_hours=s.sponsor_notification_hours,
        susar_fatal_or_life_threatening_days=s.susar_fatal_or_life_threatening_days,
        susar_follow_up_days=s.susar_follow_up_days,
        susar_other_days=s.susar_other_days,
    )


@dataclass(frozen=True)
class OpenDeadline:
    event: AdverseEvent
    kind: str
    due: dt.datetime
    remaining: dt.timedelta
    overdue: bool


def deadlines(event: AdverseEvent, now: dt.datetime | None = None) -> list[OpenDeadline]:
    """The expedited-reporting deadlines of `event` not yet met by a report."""
    if not event.serious or event.aware_at is None:
        return []
    now = now or timezone.now()
    sent = {r.kind: r.sent_at for r in event.reports.filter(voided_at__isnull=True)}
    initial = sent.get("susar_fatal_or_life_threatening") or sent.get("susar_other")
    due = seriousness.expedited_reports(
        [seriousness.SeriousnessCriterion(c) for c in event.seriousness],
        expected=event.expected,
        attributions=[
            seriousness.Attribution(a.attribution)
            for a in event.attributions.filter(voided_at__isnull=True)
        ],
        awareness=event.aware_at,
        site_timezone=event.participant.site.time_zone,
        timelines=timelines(),
        initial_report_at=initial,
    )
    return [
        OpenDeadline(
            event,
            str(d.kind),
            d.due,
            seriousness.time_remaining(d.due, now),
            seriousness.is_overdue(d.due, now),
        )
        for d in due
        if str(d.kind) not in sent
    ]


def record_event(
    event: AdverseEvent, attributions: Sequence[Attribution], actor: Any, reason: str = ""
) -> AdverseEvent:
    was_serious = bool(event.pk and AdverseEvent.objects.get(pk=event.pk).seriousness)
    with transaction.atomic():
        save_record(event, actor=actor, reason=reason)
        existing = {a.intervention: a for a in event.attributions.filter(voided_at__isnull=True)}
        for attribution in attributions:
            current = existing.get(attribution.intervention)
            if current is None:
                attribution.event = event
                save_record(attribution, actor=actor)
            elif (current.attribution, current.action) != (
                attribution.attribution,
                attribution.action,
            ):
                current.attribution, current.action = attribution.attribution, attribution.action
                save_record(current, actor=actor, reason=reason or "attribution revised")
        if event.serious and not was_serious:
            transaction.on_commit(lambda: notify_serious(event))
    return event


def record_report(
    event: AdverseEvent, kind: str, sent_at: dt.datetime, actor: Any, note: str = ""
) -> None:
    save_record(ExpeditedReport(event=event, kind=kind, sent_at=sent_at, note=note), actor=actor)


def notify_serious(event: AdverseEvent) -> None:
    """E-mail the site team and the data managers when an event becomes serious."""
    participant = event.participant
    members = Membership.objects.filter(
        active=True, voided_at__isnull=True, user__is_active=True
    ).select_related("user")
    recipients = sorted(
        {
            m.user.email
            for m in members
            if m.user.email
            and (
                (
                    m.site_id == participant.site_id
                    and m.role in (Role.COORDINATOR, Role.INVESTIGATOR)
                )
                or m.role == Role.DATA_MANAGER
            )
        }
    )
    if not recipients:
        return
    lines = [f"{d.kind}: due {d.due:%Y-%m-%d %H:%M} UTC" for d in deadlines(event)]
    send_mail(
        subject=f"[ESO-RT] SAE {participant.screening_number}: {event.term} grade {event.grade}",
        message="\n".join([f"Serious adverse event at {participant.site.code}.", *lines]),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
        fail_silently=True,
    )
