"""The clinical-course page of a participant and the site's visit list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from oncotrial.accounts.roles import Capability
from oncotrial.accounts.scope import can, require, visible, visible_or_404
from oncotrial.clinical.dosing import biologically_effective_dose, equivalent_dose_2gy
from oncotrial.participants.forms import site_today
from oncotrial.participants.models import Participant
from oncotrial.protocol.schedule import PlannedVisit, planned_visits, visit_state
from oncotrial.treatment import services, timeline
from oncotrial.treatment.forms import (
    CourseForm,
    CycleForm,
    DeviationForm,
    DoseFormSet,
    FollowUpForm,
    MdtForm,
    ProgressionForm,
    TargetFormSet,
)
from oncotrial.treatment.models import Visit
from oncotrial.trial.current import current_protocol

FORMS = {
    "cycle": CycleForm,
    "progression": ProgressionForm,
    "mdt": MdtForm,
    "course": CourseForm,
    "followup": FollowUpForm,
    "deviation": DeviationForm,
}


def _day0(participant: Participant) -> dt.date | None:
    allocation = getattr(participant, "allocation", None)
    if allocation is None:
        return None
    return allocation.allocated_at.astimezone(ZoneInfo(participant.site.time_zone)).date()


def _state(visit: Visit, today: dt.date) -> str:
    planned = PlannedVisit(
        visit.visit_id, None, visit.target_date, visit.earliest, visit.latest, ()
    )  # type: ignore[arg-type]
    return visit_state(planned, visit.done_on, today).value


def _targets_with_doses(participant: Participant) -> list[dict[str, Any]]:
    alpha_beta = current_protocol().settings.radiotherapy
    rows = []
    for course in participant.radiotherapy.filter(voided_at__isnull=True).prefetch_related(
        "targets"
    ):
        for target in course.targets.filter(voided_at__isnull=True):
            args = {"total_dose_gy": target.total_dose_gy, "fractions": target.fractions}
            bed = biologically_effective_dose(
                **args, alpha_beta_gy=Decimal(str(alpha_beta.alpha_beta_tumour))
            )
            eqd2 = equivalent_dose_2gy(
                **args, alpha_beta_gy=Decimal(str(alpha_beta.alpha_beta_tumour))
            )
            late = equivalent_dose_2gy(
                **args, alpha_beta_gy=Decimal(str(alpha_beta.alpha_beta_late))
            )
            rows.append(
                {
                    "course": course,
                    "target": target,
                    "bed": float(bed),
                    "eqd2": float(eqd2),
                    "eqd2_late": float(late),
                }
            )
    return rows


def _timeline(participant: Participant, day0: dt.date) -> str:
    rows = [_("Systemic therapy"), _("Radiotherapy"), _("Progression and MDT"), _("Follow-up")]
    marks = [
        timeline.Mark(rows[0], c.given_on, label=_("Cycle %(n)s") % {"n": c.number}, kind="cycle")
        for c in participant.cycles.filter(voided_at__isnull=True)
    ]
    for course in participant.radiotherapy.filter(voided_at__isnull=True):
        end = course.ended_on or course.started_on
        kind = "rt-" + course.intent
        marks.append(
            timeline.Mark(rows[1], course.started_on, end, course.get_intent_display(), kind)
        )
    marks += [
        timeline.Mark(rows[2], p.progressed_on, label=_("Progression"), kind="pd")
        for p in participant.progressions.filter(voided_at__isnull=True)
    ]
    marks += [
        timeline.Mark(rows[2], m.decided_on, label=_("MDT decision"), kind="mdt")
        for m in participant.mdt_decisions.filter(voided_at__isnull=True)
    ]
    for f in participant.follow_ups.filter(voided_at__isnull=True):
        if f.status == "dead" and f.death_on:
            marks.append(timeline.Mark(rows[3], f.death_on, label=_("Death"), kind="death"))
        else:
            marks.append(
                timeline.Mark(rows[3], f.contact_on, label=f.get_status_display(), kind="fu")
            )
    return timeline.draw(marks, day0, rows, _("Days since allocation"))


def course_page(request: HttpRequest, participant_id: int) -> HttpResponse:
    participant = visible_or_404(
        Participant.objects.select_related("site"),
        request.user,
        Capability.VIEW_PARTICIPANTS,
        participant_id,
    )
    day0 = _day0(participant)
    today = site_today(participant.site.time_zone)
    may_edit = day0 is not None and can(
        request.user, Capability.EDIT_PARTICIPANTS, participant.site_id
    )
    bound: dict[str, Any] = {}
    problems: list[str] = []
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action:
        require(request.user, Capability.EDIT_PARTICIPANTS, participant.site_id)
        if day0 is None or action not in FORMS:
            problems.append(_("The participant is not allocated yet."))
        else:
            form = FORMS[action](request.POST, today=today, day0=day0, prefix=action)
            bound[action] = form
            formset = None
            if action == "cycle":
                formset = DoseFormSet(request.POST, prefix="dose")
            elif action == "course":
                formset = TargetFormSet(request.POST, prefix="target")
            if formset is not None:
                bound[f"{action}_rows"] = formset
            if form.is_valid() and (formset is None or formset.is_valid()):
                form.instance.participant = participant
                rows = (
                    [f.instance for f in formset if f.has_changed()] if formset is not None else []
                )
                try:
                    if action == "cycle":
                        services.record_cycle(form.instance, rows, request.user)
                    elif action == "course":
                        services.record_course(
                            form.instance, rows, request.user, form.cleaned_data["deviation_reason"]
                        )
                    else:
                        if action == "deviation":
                            form.instance.recorded_by = request.user
                        services.record(form.instance, request.user)
                except services.NeedsConfirmation as exc:
                    for index, warning in exc.warnings.items():
                        formset.forms[index].add_error("confirmed_outside_range", warning.render(_))
                except services.BreaksProtocol as exc:
                    form.add_error(
                        "deviation_reason", " ".join(v.render(_) for v in exc.violations)
                    )
                else:
                    messages.success(request, _("Saved."))
                    return redirect("course", participant_id=participant.pk)
    forms_ = {
        name: bound.get(name) or cls(today=today, day0=day0, prefix=name)
        for name, cls in FORMS.items()
    }
    visits = participant.visits.filter(voided_at__isnull=True)
    return render(
        request,
        "treatment/course.html",
        {
            "participant": participant,
            "allocated": day0 is not None,
            "may_edit": may_edit,
            "problems": problems,
            "forms": forms_,
            "dose_rows": bound.get("cycle_rows") or DoseFormSet(prefix="dose"),
            "target_rows": bound.get("course_rows") or TargetFormSet(prefix="target"),
            "visits": [(v, _state(v, today)) for v in visits],
            "cycles": participant.cycles.filter(voided_at__isnull=True).prefetch_related("doses"),
            "courses": _targets_with_doses(participant),
            "progressions": participant.progressions.filter(voided_at__isnull=True),
            "mdt": participant.mdt_decisions.filter(voided_at__isnull=True),
            "follow_ups": participant.follow_ups.filter(voided_at__isnull=True),
            "deviations": participant.deviations.filter(voided_at__isnull=True),
            # Every text in the drawing is escaped by timeline.draw.
            "timeline": mark_safe(_timeline(participant, day0)) if day0 else "",
        },
    )


def visits_due(request: HttpRequest) -> HttpResponse:
    """Visits due now or overdue, per site in the user's scope."""
    require(request.user, Capability.VIEW_PARTICIPANTS)
    visits = visible(
        Visit.objects.filter(voided_at__isnull=True, done_on__isnull=True).select_related(
            "participant__site"
        ),
        request.user,
        Capability.VIEW_PARTICIPANTS,
    ).filter(participant__voided_at__isnull=True)
    rows = []
    for visit in visits.order_by("latest"):
        state = _state(visit, site_today(visit.participant.site.time_zone))
        if state in ("due", "overdue"):
            rows.append((visit, state))
    return render(
        request, "treatment/visits.html", {"rows": rows, "missing": _missing_forms(request)}
    )


def _missing_forms(request: HttpRequest) -> list[tuple[Visit, list[str]]]:
    """Visits whose window has closed without the records its assessments need."""
    from oncotrial.protocol.schedule import missing_assessments

    planned = {
        p.visit_id: p
        for p in planned_visits(current_protocol().schedule.visits, dt.date(2000, 1, 1))
    }
    participants = visible(
        Participant.objects.filter(voided_at__isnull=True, allocation__isnull=False).select_related(
            "site"
        ),
        request.user,
        Capability.VIEW_PARTICIPANTS,
    )
    out = []
    for participant in participants:
        recorded = {
            "systemic_therapy": list(
                participant.cycles.filter(voided_at__isnull=True).values_list("given_on", flat=True)
            ),
            "tumour_assessment": list(
                participant.tumour_assessments.filter(voided_at__isnull=True).values_list(
                    "assessed_on", flat=True
                )
            ),
            "survival_status": list(
                participant.follow_ups.filter(voided_at__isnull=True).values_list(
                    "contact_on", flat=True
                )
            ),
        }
        today = site_today(participant.site.time_zone)
        for visit in participant.visits.filter(voided_at__isnull=True, latest__lt=today):
            template = planned.get(visit.visit_id)
            if template is None:
                continue
            dated = PlannedVisit(
                visit.visit_id,
                template.name,
                visit.target_date,
                visit.earliest,
                visit.latest,
                template.assessments,
            )
            missing = missing_assessments(dated, recorded, today)
            if missing:
                out.append((visit, missing))
    return out
