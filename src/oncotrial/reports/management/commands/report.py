"""`oncotrial report dsmb --cut ID [--out DIR]`: the DSMB report of a data cut."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from oncotrial.datacut.models import DataCut
from oncotrial.datacut.services import CutDamaged
from oncotrial.reports.services import render


class Command(BaseCommand):
    help = "Write the DSMB report (HTML, PDF, tables as CSV and Parquet) of a data cut."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["dsmb"])
        parser.add_argument("--cut", type=int, required=True)
        parser.add_argument("--out", type=Path)
        parser.add_argument("--language", default="en", choices=["en", "zh-hans"])

    def handle(self, *args: Any, **options: Any) -> None:
        cut = DataCut.objects.filter(pk=options["cut"]).first()
        if cut is None:
            raise CommandError(
                f"no data cut {options['cut']}; make one with `oncotrial datacut create`"
            )
        with translation.override(options["language"]):
            try:
                rendered = render(cut, options["out"])
            except CutDamaged as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(f"{cut.label}")
        self.stdout.write(f"  HTML   {rendered.html}")
        self.stdout.write(f"  PDF    {rendered.pdf}")
        self.stdout.write(f"  tables {len(rendered.tables)} files in {rendered.tables[0].parent}")
        self.stdout.write(f"  {rendered.seconds:.1f} s")
