"""Participant pages. Every lookup goes through `scope.visible`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from oncotrial.accounts.models import Site
from oncotrial.accounts.roles import Capability
from oncotrial.accounts.scope import can, require, visible
from oncotrial.audit.services import ReasonRequired, history, save_record, void_record
from oncotrial.participants.forms import ParticipantCorrectionForm, ParticipantForm, VoidForm
from oncotrial.participants.models import Participant
from oncotrial.participants.services import register_participant


def _participants(request: HttpRequest, capability: str) -> QuerySet[Participant]:
    return visible(Participant.objects.select_related("site"), request.user, capability)


def _participant(request: HttpRequest, participant_id: int, capability: str) -> Participant:
    return get_object_or_404(_participants(request, capability), pk=participant_id)


def participant_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Capability.VIEW_PARTICIPANTS)
    participants = _participants(request, Capability.VIEW_PARTICIPANTS)
    return render(
        request,
        "participants/list.html",
        {
            "participants": participants,
            "can_register": can(request.user, Capability.REGISTER_PARTICIPANTS),
        },
    )


def participant_register(request: HttpRequest) -> HttpResponse:
    r = require(request.user, Capability.REGISTER_PARTICIPANTS)
    sites = visible(
        Site.objects.filter(active=True), request.user, Capability.REGISTER_PARTICIPANTS
    )
    chosen = request.POST.get("site") or request.GET.get("site")
    if chosen:
        # A site outside the user's scope is refused below, never replaced.
        site = sites.filter(pk=chosen).first() if chosen.isdigit() else None
    else:
        site = sites.first() if sites.count() == 1 else None
    form = ParticipantForm(request.POST or None, site_time_zone=site.time_zone if site else "UTC")
    if request.method == "POST":
        if site is None or not r.covers(site.pk):
            form.add_error(None, _("Choose the site where the participant is screened."))
        elif form.is_valid():
            participant = register_participant(site=site, actor=request.user, **form.cleaned_data)
            from oncotrial.screening.services import start_screening

            screening = start_screening(participant, request.user)
            messages.success(
                request,
                _("Registered %(number)s.") % {"number": participant.screening_number},
            )
            return redirect("screening", screening_id=screening.pk)
    return render(
        request, "participants/register.html", {"form": form, "sites": sites, "site": site}
    )


def participant_detail(request: HttpRequest, participant_id: int) -> HttpResponse:
    participant = _participant(request, participant_id, Capability.VIEW_PARTICIPANTS)
    user = request.user
    return render(
        request,
        "participants/detail.html",
        {
            "participant": participant,
            "can_edit": not participant.is_voided
            and can(user, Capability.EDIT_PARTICIPANTS, participant.site_id),
            "can_void": not participant.is_voided
            and can(user, Capability.VOID_PARTICIPANTS, participant.site_id),
            "can_audit": can(user, Capability.VIEW_AUDIT, participant.site_id),
        },
    )


def participant_edit(request: HttpRequest, participant_id: int) -> HttpResponse:
    participant = _participant(request, participant_id, Capability.EDIT_PARTICIPANTS)
    if participant.is_voided:
        raise PermissionDenied("voided")
    form = ParticipantCorrectionForm(
        request.POST or None, instance=participant, site_time_zone=participant.site.time_zone
    )
    if request.method == "POST" and form.is_valid():
        try:
            event = save_record(
                form.instance, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ReasonRequired as exc:
            form.add_error("reason", str(exc))
        else:
            if event is None:
                messages.info(request, _("Nothing changed."))
            else:
                messages.success(request, _("The correction was saved and audited."))
            return redirect("participant-detail", participant_id=participant.pk)
    return render(request, "participants/edit.html", {"form": form, "participant": participant})


def participant_void(request: HttpRequest, participant_id: int) -> HttpResponse:
    participant = _participant(request, participant_id, Capability.VOID_PARTICIPANTS)
    if participant.is_voided:
        raise PermissionDenied("voided")
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        void_record(participant, actor=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The record was voided; it stays in the audit trail."))
        return redirect("participant-detail", participant_id=participant.pk)
    return render(request, "participants/void.html", {"form": form, "participant": participant})


def participant_audit(request: HttpRequest, participant_id: int) -> HttpResponse:
    participant = _participant(request, participant_id, Capability.VIEW_AUDIT)
    return render(
        request,
        "audit/record_history.html",
        {
            "record": participant,
            "record_label": participant.screening_number,
            "events": history(participant),
            "back_url": reverse("participant-detail", args=[participant.pk]),
        },
    )
