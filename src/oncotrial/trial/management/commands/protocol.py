"""`oncotrial protocol check FILE` and `oncotrial protocol load`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oncotrial.protocol.check import check_file


class Command(BaseCommand):
    help = "Check a protocol file (`check FILE`) or load the protocol in force (`load`)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["check", "load"])
        parser.add_argument("file", nargs="?")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "check":
            if not options["file"]:
                raise CommandError("protocol check needs a FILE")
            code, text = check_file(options["file"])
            if code:
                raise CommandError(text)
            self.stdout.write(text)
            return
        from oncotrial.trial.services import ensure_protocol_version

        row = ensure_protocol_version()
        self.stdout.write(f"protocol {row} loaded (sha256 {row.sha256[:12]}…)")
