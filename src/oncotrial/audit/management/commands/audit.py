"""`oncotrial audit verify`: check the whole audit chain."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oncotrial.audit.services import verify_chain


class Command(BaseCommand):
    help = (
        "Audit trail operations. `verify` checks the hash chain and reports the first broken link."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        verdict = verify_chain()
        if not verdict.ok:
            raise CommandError(
                f"audit chain BROKEN at event #{verdict.first_broken_seq}: {verdict.problem} "
                f"({verdict.checked} events verified before it)"
            )
        self.stdout.write(f"audit chain OK: {verdict.checked} events verified")
