"""The audit log page for monitors, data managers and the administrator."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from oncotrial.accounts.roles import Capability
from oncotrial.accounts.scope import require
from oncotrial.audit.models import AuditEvent


def audit_log(request: HttpRequest) -> HttpResponse:
    r = require(request.user, Capability.VIEW_AUDIT)
    events = AuditEvent.objects.select_related("actor").order_by("-seq")
    if not r.everywhere:
        # Site staff see their sites' events; account events belong to no site.
        events = events.filter(site_id__in=r.site_ids)
    record_type = request.GET.get("type", "")
    if record_type:
        events = events.filter(record_type=record_type)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {"page": page, "record_type": record_type})
