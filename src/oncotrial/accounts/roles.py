"""The seven roles of DESIGN.md and what each may do.

Capabilities are named strings checked by `oncotrial.accounts.scope`; a view
asks for a capability, never for a role, so a role's powers are read here in
one table.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Research coordinator")
    INVESTIGATOR = "investigator", _("Site investigator")
    MONITOR = "monitor", _("Monitor")
    DATA_MANAGER = "data_manager", _("Data manager")
    STATISTICIAN = "statistician", _("Statistician")
    BIOBANK = "biobank_technician", _("Biobank technician")
    ADMINISTRATOR = "administrator", _("Trial administrator")


# Where a role may be held: at one site, trial-wide, or either.
SITE_ONLY = frozenset({Role.COORDINATOR, Role.INVESTIGATOR})
TRIAL_WIDE_ONLY = frozenset({Role.DATA_MANAGER, Role.STATISTICIAN, Role.ADMINISTRATOR})


class Capability:
    VIEW_PARTICIPANTS = "participants.view"
    REGISTER_PARTICIPANTS = "participants.register"
    EDIT_PARTICIPANTS = "participants.edit"
    VOID_PARTICIPANTS = "participants.void"
    SIGN_ELIGIBILITY = "screening.sign"
    ALLOCATE = "allocation.allocate"
    CORRECT_ALLOCATION = "allocation.correct"
    VIEW_AUDIT = "audit.view"
    VIEW_SPECIMENS = "specimens.view"
    HANDLE_SPECIMENS = "specimens.handle"
    VIEW_ANALYSES = "analyses.view"
    MANAGE_ACCOUNTS = "accounts.manage"


CAPABILITIES: dict[str, frozenset[str]] = {
    Role.COORDINATOR: frozenset(
        {
            Capability.VIEW_PARTICIPANTS,
            Capability.REGISTER_PARTICIPANTS,
            Capability.EDIT_PARTICIPANTS,
            Capability.VIEW_SPECIMENS,
            Capability.HANDLE_SPECIMENS,
        }
    ),
    Role.INVESTIGATOR: frozenset(
        {
            Capability.VIEW_PARTICIPANTS,
            Capability.REGISTER_PARTICIPANTS,
            Capability.EDIT_PARTICIPANTS,
            Capability.VOID_PARTICIPANTS,
            Capability.SIGN_ELIGIBILITY,
            Capability.ALLOCATE,
            Capability.VIEW_SPECIMENS,
        }
    ),
    Role.MONITOR: frozenset(
        {Capability.VIEW_PARTICIPANTS, Capability.VIEW_AUDIT, Capability.VIEW_SPECIMENS}
    ),
    Role.DATA_MANAGER: frozenset(
        {
            Capability.VIEW_PARTICIPANTS,
            Capability.VOID_PARTICIPANTS,
            Capability.VIEW_AUDIT,
            Capability.VIEW_SPECIMENS,
        }
    ),
    Role.STATISTICIAN: frozenset({Capability.VIEW_PARTICIPANTS, Capability.VIEW_ANALYSES}),
    Role.BIOBANK: frozenset({Capability.VIEW_SPECIMENS, Capability.HANDLE_SPECIMENS}),
    Role.ADMINISTRATOR: frozenset(
        {Capability.MANAGE_ACCOUNTS, Capability.VIEW_AUDIT, Capability.CORRECT_ALLOCATION}
    ),
}
