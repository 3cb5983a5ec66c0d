"""The tumour-response page of a participant."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oncotrial.accounts.roles import Capability
from oncotrial.accounts.scope import can, require, visible, visible_or_404
from oncotrial.participants.forms import site_today
from oncotrial.participants.models import Participant
from oncotrial.response import services
from oncotrial.response.forms import BASELINE_ROWS, FormProblem, baseline_from, follow_up_from
from oncotrial.response.models import TumourAssessment

OVERALL = ["CR", "PR", "SD", "NON_CR_NON_PD", "NED", "NE", "PD"]


def _participant(request: HttpRequest, participant_id: int, capability: str) -> Participant:
    return visible_or_404(
        Participant.objects.select_related("site"), request.user, capability, participant_id
    )


def _context(participant: Participant) -> dict[str, Any]:
    lesions, _drafts, rows = services.stored(participant)
    result = services.evaluate(participant) if rows else None
    irecist = services.evaluate_irecist(participant) if rows else None
    return {
        "participant": participant,
        "lesions": lesions,
        "irecist": irecist,
        "targets": [lesion for lesion in lesions if lesion.role in ("target", "new_target")],
        "new_non_targets": [lesion for lesion in lesions if lesion.role == "new_non_target"],
        "new_rows": range(3),
        "has_non_targets": any(lesion.role == "non_target" for lesion in lesions),
        "rows": list(zip(rows, result["timepoints"], strict=True)) if result else [],
        "result": result,
        "baseline_rows": range(BASELINE_ROWS),
        "overall_choices": OVERALL,
    }


def response_page(request: HttpRequest, participant_id: int) -> HttpResponse:
    participant = _participant(request, participant_id, Capability.VIEW_PARTICIPANTS)
    may_edit = can(request.user, Capability.EDIT_PARTICIPANTS, participant.site_id)
    error, error_field = "", ""
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action:
        require(request.user, Capability.EDIT_PARTICIPANTS, participant.site_id)
        today = site_today(participant.site.time_zone)
        try:
            if action == "baseline":
                lesions, baseline = baseline_from(request.POST, today)
                services.record_baseline(participant, request.user, lesions, baseline)
            elif action == "followup":
                draft, new = follow_up_from(request.POST, services.stored(participant)[0], today)
                services.record_follow_up(participant, request.user, draft, new)
            elif action == "investigator":
                assessment = get_object_or_404(
                    TumourAssessment, pk=request.POST.get("assessment", 0), participant=participant
                )
                overall = request.POST.get("overall", "")
                if overall not in OVERALL:
                    raise FormProblem("overall", _("Choose the overall response."))
                if not request.POST.get("reason", "").strip():
                    raise FormProblem("reason", _("Give the reason for the differing assessment."))
                services.record_investigator_assessment(
                    assessment, request.user, overall, request.POST["reason"]
                )
        except FormProblem as exc:
            error, error_field = str(exc), exc.field
        except services.CaseError as exc:
            error, error_field = f"{exc.path}: {exc.problem}", exc.path
        else:
            messages.success(request, _("Saved."))
            return redirect("response", participant_id=participant.pk)
    context = _context(participant)
    context.update(
        {"may_edit": may_edit, "error": error, "error_field": error_field, "posted": request.POST}
    )
    return render(request, "response/page.html", context)


@require_POST
def response_preview(request: HttpRequest, participant_id: int) -> HttpResponse:
    """The time-point response the typed follow-up would get (htmx), nothing stored."""
    participant = _participant(request, participant_id, Capability.EDIT_PARTICIPANTS)
    try:
        draft, new = follow_up_from(
            request.POST, services.stored(participant)[0], site_today(participant.site.time_zone)
        )
        result = services.evaluate(participant, draft, new=new)
    except FormProblem as exc:
        return render(request, "response/_preview.html", {"error": str(exc)})
    except services.CaseError as exc:
        return render(request, "response/_preview.html", {"error": f"{exc.path}: {exc.problem}"})
    return render(
        request, "response/_preview.html", {"timepoint": result["timepoints"][-1], "result": result}
    )


def trial_response(request: HttpRequest) -> HttpResponse:
    """Waterfall and spider plots over the allocated participants in scope."""
    from django.utils.safestring import mark_safe

    from oncotrial.analysis.derive import DerivationSettings, best_percent_change, derive_all
    from oncotrial.analysis.figures.canvas import to_svg
    from oncotrial.analysis.figures.spider import spider_figure
    from oncotrial.analysis.figures.waterfall import waterfall_figure
    from oncotrial.datacut.export import tidy_tables
    from oncotrial.trial.current import current_protocol

    require(request.user, Capability.VIEW_PARTICIPANTS)
    participants = visible(Participant.objects.all(), request.user, Capability.VIEW_PARTICIPANTS)
    derived = derive_all(
        tidy_tables(participants), DerivationSettings.from_protocol(current_protocol())
    )
    best = best_percent_change(derived.adtr)
    context: dict[str, Any] = {"count": len(best)}
    if len(best):
        arms = derived.adsl.set_index("USUBJID")["TRT01P"]
        # matplotlib escapes every text it writes into the SVG.
        context["waterfall"] = mark_safe(to_svg(waterfall_figure(best, translate=_)))
        context["spider"] = mark_safe(to_svg(spider_figure(derived.adtr, arms, translate=_)))
        context["rows"] = best.sort_values("BESTPCHG").to_dict("records")
    return render(request, "response/trial.html", context)
