"""Screening pages: the evidence form with live criterion status, the
investigator's signature, closing a screening, and the screening log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oncotrial.accounts.roles import Capability
from oncotrial.accounts.scope import can, require, visible, visible_or_404
from oncotrial.audit.services import ReasonRequired, history
from oncotrial.participants.models import Participant
from oncotrial.screening import services
from oncotrial.screening.evidence import EVIDENCE_FIELDS
from oncotrial.screening.forms import FIELDSETS, ScreeningForm
from oncotrial.screening.models import Screening
from oncotrial.trial.current import current_protocol


def _screening(request: HttpRequest, screening_id: int, capability: str) -> Screening:
    return visible_or_404(
        Screening.objects.select_related("participant__site"),
        request.user,
        capability,
        screening_id,
    )


def _form(screening: Screening, data: Any = None) -> ScreeningForm:
    participant = screening.participant
    return ScreeningForm(
        data,
        instance=screening,
        site_time_zone=participant.site.time_zone,
        consent_date=services.participant_consent_date(participant),
    )


def _status_context(screening: Screening, form: ScreeningForm) -> dict[str, Any]:
    values = form.evidence_values() if form.is_bound else services.evidence_values(screening)
    result, derived = services.evaluate(screening.participant, values)
    texts = {c.id: c.text for c in current_protocol().criteria}
    labels = {name: str(field.label) for name, field in form.fields.items()}
    labels["consent"] = _("a signed consent")
    rows = [
        {
            "result": r,
            "text": texts[r.criterion_id],
            "missing": [
                labels.get(EVIDENCE_FIELDS.get(m, m), m.replace("_", " ")) for m in r.missing
            ],
        }
        for r in result.results
    ]
    return {"eligibility": result, "rows": rows, "derived": derived, "screening": screening}


def participant_screenings(request: HttpRequest, participant_id: int) -> HttpResponse:
    participant = visible_or_404(
        Participant.objects.select_related("site"),
        request.user,
        Capability.VIEW_PARTICIPANTS,
        participant_id,
    )
    if request.method == "POST":
        require(request.user, Capability.EDIT_PARTICIPANTS, participant.site_id)
        try:
            screening = services.start_screening(participant, request.user)
        except ValueError:
            messages.error(request, _("A screening of this participant is still open."))
        else:
            return redirect("screening", screening_id=screening.pk)
    screenings = participant.screenings.prefetch_related("signatures").order_by("number")
    return render(
        request,
        "screening/list.html",
        {
            "participant": participant,
            "screenings": screenings,
            "can_start": can(request.user, Capability.EDIT_PARTICIPANTS, participant.site_id)
            and not any(s.is_open for s in screenings)
            and not participant.is_voided,
        },
    )


def screening_page(request: HttpRequest, screening_id: int) -> HttpResponse:
    screening = _screening(request, screening_id, Capability.VIEW_PARTICIPANTS)
    user = request.user
    site_id = screening.participant.site_id
    may_edit = screening.is_open and can(user, Capability.EDIT_PARTICIPANTS, site_id)
    form = _form(screening, request.POST if request.method == "POST" and may_edit else None)
    if request.method == "POST":
        require(user, Capability.EDIT_PARTICIPANTS, site_id)
        if form.is_valid():
            try:
                event = services.save_evidence(form.instance, user, form.cleaned_data["reason"])
            except ReasonRequired as exc:
                form.add_error("reason", str(exc))
            else:
                if event is not None:
                    messages.success(request, _("The evidence was saved."))
                return redirect("screening", screening_id=screening.pk)
        screening = form.instance
    voided_signatures = screening.signatures.filter(voided_at__isnull=False).order_by("-voided_at")
    return render(
        request,
        "screening/page.html",
        {
            "form": form,
            "groups": [(title, [form[n] for n in names]) for title, names in FIELDSETS],
            "may_edit": may_edit,
            "may_sign": screening.is_open and can(user, Capability.SIGN_ELIGIBILITY, site_id),
            "signature": services.valid_signature(screening) if screening.pk else None,
            "voided_signatures": voided_signatures,
            "can_audit": can(user, Capability.VIEW_AUDIT, site_id),
            "events": history(screening) if can(user, Capability.VIEW_AUDIT, site_id) else [],
            **_status_context(screening, form),
        },
    )


@require_POST
def screening_status(request: HttpRequest, screening_id: int) -> HttpResponse:
    """The criteria's status for what is typed so far (htmx), nothing stored."""
    screening = _screening(request, screening_id, Capability.EDIT_PARTICIPANTS)
    form = _form(screening, request.POST)
    form.is_valid()
    return render(request, "screening/_status.html", _status_context(screening, form))


@require_POST
def screening_sign(request: HttpRequest, screening_id: int) -> HttpResponse:
    screening = _screening(request, screening_id, Capability.SIGN_ELIGIBILITY)
    try:
        services.sign(screening, request.user, request.POST.get("password", ""))
    except services.SignatureRefused as exc:
        text = {
            "wrong_password": _("The password is not correct: the signature was not recorded."),
            "not_eligible": _("Only an eligible participant can be signed for."),
            "closed": _("This screening is closed."),
        }[str(exc)]
        messages.error(request, text)
    else:
        messages.success(request, _("Eligibility signed."))
    return redirect("screening", screening_id=screening.pk)


@require_POST
def screening_close(request: HttpRequest, screening_id: int) -> HttpResponse:
    screening = _screening(request, screening_id, Capability.EDIT_PARTICIPANTS)
    outcome = request.POST.get("outcome", "")
    reason = request.POST.get("reason", "").strip()
    if not screening.is_open:
        messages.error(request, _("This screening is closed."))
    elif outcome != Screening.Outcome.SCREEN_FAILURE and not reason:
        messages.error(request, _("Give the reason for closing the screening."))
    else:
        try:
            services.close(screening, request.user, outcome, reason)
        except ValueError:
            messages.error(
                request,
                _("A screen failure needs a criterion that is not met; none is failing now."),
            )
        else:
            messages.success(request, _("The screening was closed."))
    return redirect("screening", screening_id=screening.pk)


def screening_log_page(request: HttpRequest) -> HttpResponse:
    require(request.user, Capability.VIEW_PARTICIPANTS)
    participants = visible(Participant.objects.all(), request.user, Capability.VIEW_PARTICIPANTS)
    texts = {c.id: c.text for c in current_protocol().criteria}
    return render(
        request,
        "screening/log.html",
        {"log": services.screening_log(participants), "texts": texts},
    )
