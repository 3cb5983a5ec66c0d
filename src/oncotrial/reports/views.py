"""Report pages for statisticians: data cuts and the DSMB report."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from oncotrial.accounts.roles import Capability
from oncotrial.accounts.scope import require
from oncotrial.datacut.models import DataCut
from oncotrial.datacut.services import CutDamaged, create_cut
from oncotrial.reports import services


def reports_home(request: HttpRequest) -> HttpResponse:
    require(request.user, Capability.VIEW_ANALYSES)
    if request.method == "POST":
        try:
            cutoff = dt.date.fromisoformat(request.POST.get("cutoff", ""))
        except ValueError:
            messages.error(request, _("Enter the cut-off date."))
        else:
            cut = create_cut(cutoff, request.user)
            messages.success(request, _("Data cut %(id)s created.") % {"id": cut.pk})
            return redirect("report", cut_id=cut.pk)
    return render(request, "reports/home.html", {"cuts": DataCut.objects.all()})


def report_page(request: HttpRequest, cut_id: int) -> HttpResponse:
    require(request.user, Capability.VIEW_ANALYSES)
    cut = get_object_or_404(DataCut, pk=cut_id)
    try:
        report = services.report_for(cut)
    except CutDamaged as exc:
        return render(
            request, "reports/damaged.html", {"cut": cut, "problem": str(exc)}, status=409
        )
    return render(
        request,
        "reports/report.html",
        {"cut": cut, "report": report, "sections": services.html_sections(report)},
    )


def report_pdf(request: HttpRequest, cut_id: int) -> FileResponse:
    require(request.user, Capability.VIEW_ANALYSES)
    cut = get_object_or_404(DataCut, pk=cut_id)
    rendered = services.render(cut)
    return FileResponse(
        rendered.pdf.open("rb"), as_attachment=True, filename=f"dsmb-cut-{cut.pk}.pdf"
    )
