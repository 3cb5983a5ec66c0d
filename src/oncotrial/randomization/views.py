"""Allocation pages: allocate a participant, the overview with the
commitment, the audited sequence view, and corrections."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from oncotrial.accounts.roles import Capability
from oncotrial.accounts.scope import can, require, visible, visible_or_404
from oncotrial.participants.models import Participant
from oncotrial.randomization import services
from oncotrial.randomization.models import Allocation, AllocationScheme
from oncotrial.trial.current import current_protocol


def _arms() -> dict[str, object]:
    return {arm.id: arm.name for arm in current_protocol().arms}


def allocation_page(request: HttpRequest, participant_id: int) -> HttpResponse:
    participant = visible_or_404(
        Participant.objects.select_related("site"),
        request.user,
        Capability.VIEW_PARTICIPANTS,
        participant_id,
    )
    may_allocate = can(request.user, Capability.ALLOCATE, participant.site_id)
    problems: list[str] = []
    if request.method == "POST":
        if not may_allocate:
            raise PermissionDenied(Capability.ALLOCATE)
        try:
            key = uuid.UUID(request.POST.get("idempotency_key", ""))
        except ValueError:
            problems = [_("The form expired: reload the page and allocate again.")]
        else:
            try:
                services.allocate(
                    participant=participant,
                    actor=request.user,
                    cohort=request.POST.get("cohort", ""),
                    idempotency_key=key,
                    arm=request.POST.get("arm", ""),
                    reason=request.POST.get("reason", ""),
                )
            except services.NotReady as exc:
                problems = [str(r) for r in exc.reasons]
            else:
                return redirect("allocation", participant_id=participant.pk)
    allocation = Allocation.objects.filter(participant=participant).first()
    context = {
        "participant": participant,
        "allocation": allocation,
        "arms": _arms(),
        "problems": problems,
        "posted": request.POST if problems else {},
    }
    if allocation is not None:
        context["arm_now"] = services.current_value(allocation, "arm")
        context["cohort_now"] = services.current_value(allocation, "cohort")
        context["corrections"] = allocation.corrections.select_related("corrected_by")
        context["may_correct"] = can(request.user, Capability.CORRECT_ALLOCATION)
    else:
        state = services.readiness(participant)
        context.update(
            {
                "readiness": state,
                "may_allocate": may_allocate and state.ready,
                "idempotency_key": uuid.uuid4(),
                "preference_open": current_protocol().settings.preference.enabled,
            }
        )
    return render(request, "randomization/page.html", context)


def allocation_overview(request: HttpRequest) -> HttpResponse:
    require(request.user, Capability.VIEW_PARTICIPANTS)
    scheme = AllocationScheme.objects.order_by("-created_at").first()
    allocations = visible(
        Allocation.objects.select_related("participant__site"),
        request.user,
        Capability.VIEW_PARTICIPANTS,
    )
    return render(
        request,
        "randomization/overview.html",
        {
            "scheme": scheme,
            "verified": services.verify_scheme(scheme) if scheme else None,
            "allocations": allocations,
            "arms": _arms(),
            "may_reveal": scheme is not None
            and scheme.designated_statistician_id == request.user.pk,
        },
    )


def allocation_reveal(request: HttpRequest) -> HttpResponse:
    scheme = AllocationScheme.objects.order_by("-created_at").first()
    # Only the designated allocation statistician, who must also hold the role.
    if scheme is None or scheme.designated_statistician_id != request.user.pk:
        raise PermissionDenied("allocation sequences")
    require(request.user, Capability.VIEW_ANALYSES)
    sequences = services.reveal(scheme, request.user)
    return render(request, "randomization/reveal.html", {"scheme": scheme, "sequences": sequences})


def allocation_correct(request: HttpRequest, allocation_id: int) -> HttpResponse:
    require(request.user, Capability.CORRECT_ALLOCATION)
    allocation = get_object_or_404(
        Allocation.objects.select_related("participant"), pk=allocation_id
    )
    error = ""
    if request.method == "POST":
        field = request.POST.get("field", "")
        value = request.POST.get("new_value", "")
        valid = {"arm": set(_arms()), "cohort": {c.value for c in Allocation.Cohort}}
        if field not in valid or value not in valid[field]:
            error = _("Choose what to correct and its new value.")
        elif value == services.current_value(allocation, field):
            error = _("The new value is the value in force.")
        else:
            try:
                services.correct(
                    allocation, request.user, field, value, request.POST.get("reason", "")
                )
            except ValueError as exc:
                error = str(exc)
            else:
                messages.success(request, _("The correction was recorded."))
                return redirect("allocation", participant_id=allocation.participant_id)
    return render(
        request,
        "randomization/correct.html",
        {
            "allocation": allocation,
            "arms": _arms(),
            "cohorts": Allocation.Cohort.choices,
            "error": error,
        },
    )
