"""`oncotrial allocation setup|verify|designate USERNAME`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oncotrial.accounts.models import User
from oncotrial.accounts.roles import Role
from oncotrial.audit.models import AuditEvent
from oncotrial.audit.services import append_event
from oncotrial.randomization.models import AllocationScheme
from oncotrial.randomization.services import ensure_scheme, verify_scheme


class Command(BaseCommand):
    help = (
        "Allocation scheme: `setup` commits the sequences, `verify` checks them against the "
        "commitment, `designate USERNAME` names the allocation statistician."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["setup", "verify", "designate"])
        parser.add_argument("username", nargs="?")

    def handle(self, *args: Any, **options: Any) -> None:
        scheme = ensure_scheme()
        if options["action"] == "setup":
            self.stdout.write(f"allocation scheme {scheme.method}, commitment {scheme.commitment}")
        elif options["action"] == "verify":
            if not verify_scheme(scheme):
                raise CommandError(
                    f"the allocation sequences do NOT match commitment {scheme.commitment}"
                )
            self.stdout.write(f"allocation sequences match commitment {scheme.commitment}")
        else:
            user = User.objects.filter(
                username=options["username"] or "",
                memberships__role=Role.STATISTICIAN,
                memberships__active=True,
            ).first()
            if user is None:
                raise CommandError("designate needs the user name of an active statistician")
            previous = scheme.designated_statistician
            AllocationScheme.objects.filter(pk=scheme.pk).update(designated_statistician=user)
            append_event(
                actor=None,
                action=AuditEvent.Action.UPDATE,
                record_type="randomization.allocationscheme",
                record_id=str(scheme.pk),
                changes={
                    "designated_statistician": [
                        previous.username if previous else None,
                        user.username,
                    ]
                },
                reason="oncotrial allocation designate",
            )
            self.stdout.write(f"{user.username} is the designated allocation statistician")
