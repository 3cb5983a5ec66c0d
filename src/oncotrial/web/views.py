"""The home page: one panel per role the user holds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from oncotrial.accounts.models import Site, User
from oncotrial.accounts.roles import Capability, Role
from oncotrial.accounts.scope import reach, roles_of, visible
from oncotrial.audit.models import AuditEvent
from oncotrial.participants.models import Participant
from oncotrial.trial.current import current_protocol


def _site_counts(user: Any, capability: str) -> list[dict[str, Any]]:
    sites = visible(Site.objects.all(), user, capability)
    return list(
        sites.annotate(
            registered=Count("participants", filter=Q(participants__voided_at__isnull=True))
        ).values("id", "code", "name", "name_zh", "registered")
    )


def _recent_events(user: Any, limit: int = 10) -> list[AuditEvent]:
    r = reach(user, Capability.VIEW_AUDIT)
    events = AuditEvent.objects.select_related("actor").order_by("-seq")
    if not r.everywhere:
        events = events.filter(site_id__in=r.site_ids)
    return list(events[:limit])


def _site_staff(user: Any) -> dict[str, Any]:
    return {
        "sites": _site_counts(user, Capability.VIEW_PARTICIPANTS),
        "recent": visible(
            Participant.objects.select_related("site"), user, Capability.VIEW_PARTICIPANTS
        ).order_by("-registered_at")[:8],
    }


def _monitor(user: Any) -> dict[str, Any]:
    return {
        "sites": _site_counts(user, Capability.VIEW_PARTICIPANTS),
        "events": _recent_events(user),
    }


def _statistician(user: Any) -> dict[str, Any]:
    protocol = current_protocol()
    sites = _site_counts(user, Capability.VIEW_PARTICIPANTS)
    return {
        "sites": sites,
        "total": sum(s["registered"] for s in sites),
        "target": protocol.trial.target_enrolment,
        "endpoints": protocol.endpoints,
    }


def _biobank(user: Any) -> dict[str, Any]:
    return {
        "sites": visible(Site.objects.all(), user, Capability.VIEW_SPECIMENS),
        "collections": current_protocol().specimens,
    }


def _administrator(user: Any) -> dict[str, Any]:
    return {
        "site_count": Site.objects.filter(voided_at__isnull=True).count(),
        "user_count": User.objects.filter(is_active=True).count(),
        "logins": AuditEvent.objects.filter(
            action__in=[AuditEvent.Action.LOGIN, AuditEvent.Action.LOGIN_FAILED]
        ).order_by("-seq")[:10],
    }


PANELS: dict[str, Callable[[Any], dict[str, Any]]] = {
    Role.COORDINATOR: _site_staff,
    Role.INVESTIGATOR: _site_staff,
    Role.MONITOR: _monitor,
    Role.DATA_MANAGER: _monitor,
    Role.STATISTICIAN: _statistician,
    Role.BIOBANK: _biobank,
    Role.ADMINISTRATOR: _administrator,
}


def home(request: HttpRequest) -> HttpResponse:
    labels = dict(Role.choices)
    held = list(dict.fromkeys(role for role, _ in roles_of(request.user)))
    panels = [
        {
            "role": role,
            "label": labels[role],
            "template": f"web/home/{role}.html",
            **PANELS[role](request.user),
        }
        for role in held
        if role in PANELS
    ]
    return render(request, "web/home.html", {"panels": panels, "protocol": current_protocol()})
