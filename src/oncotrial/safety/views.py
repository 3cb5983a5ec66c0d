"""Adverse-event pages and the serious-event dashboard."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oncotrial.accounts.roles import Capability
from oncotrial.accounts.scope import can, require, visible, visible_or_404
from oncotrial.audit.services import ReasonRequired
from oncotrial.clinical import ctcae
from oncotrial.participants.models import Participant
from oncotrial.safety import services
from oncotrial.safety.forms import AdverseEventForm, grade_choices
from oncotrial.safety.models import AdverseEvent, Attribution
from oncotrial.screening.services import participant_consent_date


def _form(
    participant: Participant, data: Any = None, instance: AdverseEvent | None = None
) -> AdverseEventForm:
    return AdverseEventForm(
        data,
        instance=instance,
        participant=participant,
        consent_date=participant_consent_date(participant),
        death_recorded=participant.follow_ups.filter(
            voided_at__isnull=True, status="dead"
        ).exists(),
        interventions=services.interventions_received(participant),
    )


def _save(request: HttpRequest, form: AdverseEventForm, participant: Participant) -> bool:
    if not form.is_valid():
        return False
    form.instance.participant = participant
    rows = [
        Attribution(intervention=i, attribution=a, action=act) for i, a, act in form.attributions()
    ]
    try:
        services.record_event(form.instance, rows, request.user, form.cleaned_data["reason"])
    except ReasonRequired as exc:
        form.add_error("reason", str(exc))
        return False
    return True


def events_page(request: HttpRequest, participant_id: int) -> HttpResponse:
    participant = visible_or_404(
        Participant.objects.select_related("site"),
        request.user,
        Capability.VIEW_PARTICIPANTS,
        participant_id,
    )
    may_edit = can(request.user, Capability.EDIT_PARTICIPANTS, participant.site_id)
    form = _form(participant, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        require(request.user, Capability.EDIT_PARTICIPANTS, participant.site_id)
        if _save(request, form, participant):
            messages.success(request, _("The adverse event was recorded."))
            return redirect("adverse-events", participant_id=participant.pk)
    events = participant.adverse_events.filter(voided_at__isnull=True).prefetch_related(
        "attributions", "reports"
    )
    return render(
        request,
        "safety/events.html",
        {
            "participant": participant,
            "events": [(e, services.deadlines(e)) for e in events],
            "form": form,
            "may_edit": may_edit,
            "terms": _term_options(),
            "lab_terms": ctcae_labs_terms(),
        },
    )


def event_edit(request: HttpRequest, event_id: int) -> HttpResponse:
    event = visible_or_404(
        AdverseEvent.objects.select_related("participant__site"),
        request.user,
        Capability.EDIT_PARTICIPANTS,
        event_id,
    )
    participant = event.participant
    form = _form(participant, request.POST if request.method == "POST" else None, instance=event)
    if request.method == "POST" and _save(request, form, participant):
        messages.success(request, _("The adverse event was updated."))
        return redirect("adverse-events", participant_id=participant.pk)
    return render(
        request, "safety/edit.html", {"form": form, "event": event, "terms": _term_options()}
    )


def _term_options() -> list[tuple[str, str]]:
    """Each CTCAE term with its SOC and, where the trial has one, its Chinese label."""
    options = []
    for term in ctcae.terms():
        label = ctcae.label_zh(term)
        options.append((term.name, f"{term.soc} · {label.zh}" if label else term.soc))
    return options


def ctcae_labs_terms() -> tuple[str, ...]:
    from oncotrial.clinical.ctcae_labs import LAB_TERMS

    return LAB_TERMS


def grades(request: HttpRequest) -> HttpResponse:
    """The grade options of a term (htmx), with their CTCAE descriptions."""
    require(request.user, Capability.VIEW_PARTICIPANTS)
    return render(
        request, "safety/_grades.html", {"choices": grade_choices(request.GET.get("term", ""))}
    )


def sae_dashboard(request: HttpRequest) -> HttpResponse:
    """Open serious adverse events in scope, with each deadline and the time left."""
    require(request.user, Capability.VIEW_PARTICIPANTS)
    events = visible(
        AdverseEvent.objects.filter(voided_at__isnull=True)
        .exclude(seriousness=[])
        .select_related("participant__site"),
        request.user,
        Capability.VIEW_PARTICIPANTS,
    ).prefetch_related("attributions", "reports")
    now = timezone.now()
    rows = [(e, services.deadlines(e, now)) for e in events]
    rows.sort(key=lambda r: min((d.due for d in r[1]), default=now))
    return render(request, "safety/sae.html", {"rows": rows, "now": now})


@require_POST
def report_sent(request: HttpRequest, event_id: int) -> HttpResponse:
    event = visible_or_404(
        AdverseEvent.objects.select_related("participant__site"),
        request.user,
        Capability.EDIT_PARTICIPANTS,
        event_id,
    )
    kind = request.POST.get("kind", "")
    # Follow-up reports go on until the event resolves.
    allowed = {d.kind for d in services.deadlines(event)}
    if event.resolved_on is None:
        allowed.add("follow_up")
    if kind in allowed:
        services.record_report(
            event, kind, timezone.now(), request.user, request.POST.get("note", "")
        )
        messages.success(request, _("The report was recorded."))
    return redirect("sae-dashboard")


def lab_grade(request: HttpRequest) -> HttpResponse:
    """A laboratory value graded by CTCAE v5.0 (htmx), with the rule it meets."""
    from decimal import Decimal, InvalidOperation

    from oncotrial.clinical import ctcae_labs

    require(request.user, Capability.VIEW_PARTICIPANTS)
    term = request.GET.get("lab_term", "")
    unit = request.GET.get("lab_unit", "").strip()

    def quantity(name: str) -> ctcae_labs.Quantity | None:
        raw = request.GET.get(name, "").strip()
        if not raw:
            return None
        try:
            return ctcae_labs.Quantity(Decimal(raw), unit)
        except InvalidOperation:
            raise ValueError(name) from None

    context: dict[str, Any] = {}
    if term in ctcae_labs.LAB_TERMS and request.GET.get("lab_value"):
        try:
            result = ctcae_labs.grade_lab(
                term,
                quantity("lab_value"),
                lln=quantity("lab_lln"),
                uln=quantity("lab_uln"),
                baseline=quantity("lab_baseline"),
            )
        except ValueError as exc:
            message = getattr(exc, "message", None)
            context["error"] = (
                message.render(_) if message else _("Enter numbers in the unit given.")
            )
        else:
            context["grade"] = result
            context["explanation"] = result.explanation.render(_)
    return render(request, "safety/_lab_grade.html", context)
