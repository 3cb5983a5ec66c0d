"""Navigation built from what the signed-in user may do."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oncotrial.accounts.roles import Capability, Role
from oncotrial.accounts.scope import can, roles_of

# (label, url name, capability needed)
MENU = [
    (_("Home"), "home", None),
    (_("Participants"), "participant-list", Capability.VIEW_PARTICIPANTS),
    (_("Screening log"), "screening-log", Capability.VIEW_PARTICIPANTS),
    (_("Allocation"), "allocation-overview", Capability.VIEW_PARTICIPANTS),
    (_("Visits due"), "visits-due", Capability.VIEW_PARTICIPANTS),
    (_("Tumour response"), "trial-response", Capability.VIEW_PARTICIPANTS),
    (_("Serious adverse events"), "sae-dashboard", Capability.VIEW_PARTICIPANTS),
    (_("Biobank"), "biobank", Capability.VIEW_SPECIMENS),
    (_("Protocol"), "protocol", None),
    (_("Reports"), "reports", Capability.VIEW_ANALYSES),
    (_("Audit trail"), "audit-log", Capability.VIEW_AUDIT),
    (_("Sites"), "site-list", Capability.MANAGE_ACCOUNTS),
    (_("Accounts"), "user-list", Capability.MANAGE_ACCOUNTS),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = [
        {"label": label, "url": reverse(name), "active": request.path == reverse(name)}
        for label, name, capability in MENU
        if capability is None or can(user, capability)
    ]
    labels = dict(Role.choices)
    return {"nav_items": items, "nav_roles": [labels.get(r, r) for r, _ in roles_of(user)]}
