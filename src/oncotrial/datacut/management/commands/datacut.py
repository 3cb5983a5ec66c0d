"""`oncotrial datacut create --cutoff YYYY-MM-DD` and `oncotrial datacut verify ID`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oncotrial.datacut.models import DataCut
from oncotrial.datacut.services import CutDamaged, create_cut, load_cut


class Command(BaseCommand):
    help = "Freeze the data at a cut-off date (create) or check a cut's files (verify)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create", "verify"])
        parser.add_argument("cut", nargs="?", type=int)
        parser.add_argument("--cutoff", type=dt.date.fromisoformat, help="YYYY-MM-DD (create)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "create":
            cutoff = options["cutoff"] or dt.date.today()
            cut = create_cut(cutoff)
            self.stdout.write(f"{cut.label}: {cut.participants} participants in {cut.folder}")
            return
        cut = DataCut.objects.filter(pk=options["cut"]).first()
        if cut is None:
            raise CommandError("verify needs the id of an existing cut")
        try:
            load_cut(cut)
        except CutDamaged as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{cut.label}: every file matches its manifest")
