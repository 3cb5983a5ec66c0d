"""The consent page of a participant."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from oncotrial.accounts.roles import Capability
from oncotrial.accounts.scope import can, visible_or_404
from oncotrial.audit.services import save_record
from oncotrial.consent.forms import ConsentForm, WithdrawalForm
from oncotrial.consent.models import OPTIONAL_CONSENTS, Consent
from oncotrial.participants.models import Participant
from oncotrial.screening.services import earliest_study_procedure


def consent_page(request: HttpRequest, participant_id: int) -> HttpResponse:
    participant = visible_or_404(
        Participant.objects.select_related("site"),
        request.user,
        Capability.VIEW_PARTICIPANTS,
        participant_id,
    )
    may_edit = can(request.user, Capability.EDIT_PARTICIPANTS, participant.site_id)
    form = None
    if may_edit and not participant.is_voided:
        form = ConsentForm(
            request.POST or None,
            participant=participant,
            earliest_procedure=earliest_study_procedure(participant),
        )
        if request.method == "POST" and form.is_valid():
            form.instance.participant = participant
            save_record(form.instance, actor=request.user)
            messages.success(request, _("Consent recorded."))
            return redirect("consent", participant_id=participant.pk)
    consents = Consent.objects.filter(participant=participant).select_related("obtained_by")
    return render(
        request,
        "consent/page.html",
        {
            "participant": participant,
            "consents": consents.prefetch_related("withdrawals"),
            "form": form,
            "optional": OPTIONAL_CONSENTS,
            "may_edit": may_edit,
        },
    )


def consent_withdraw(request: HttpRequest, consent_id: int) -> HttpResponse:
    consent = visible_or_404(
        Consent.objects.select_related("participant__site"),
        request.user,
        Capability.EDIT_PARTICIPANTS,
        consent_id,
    )
    form = WithdrawalForm(request.POST or None, consent=consent)
    if request.method == "POST" and form.is_valid():
        form.instance.consent = consent
        save_record(form.instance, actor=request.user)
        messages.success(request, _("The withdrawal was recorded."))
        return redirect("consent", participant_id=consent.participant_id)
    return render(request, "consent/withdraw.html", {"form": form, "consent": consent})
