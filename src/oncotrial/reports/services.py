"""Rendering the DSMB report of a data cut as HTML, PDF and tables."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from oncotrial.analysis.derive import DerivationSettings
from oncotrial.analysis.figures.canvas import to_svg
from oncotrial.analysis.report import Report, build_report, write_pdf, write_tables
from oncotrial.datacut.models import DataCut
from oncotrial.datacut.services import load_cut
from oncotrial.trial.current import current_protocol


@dataclass(frozen=True)
class Rendered:
    html: Path
    pdf: Path
    tables: list[Path]
    seconds: float


def report_for(cut: DataCut) -> Report:
    return build_report(
        load_cut(cut),
        DerivationSettings.from_protocol(current_protocol()),
        cut_label=cut.label,
        translate=gettext,
    )


def html_sections(report: Report) -> list[dict]:
    """The report's sections with figures as inline SVG and tables as HTML."""
    return [
        {
            "title": section.title,
            # matplotlib and pandas escape the texts they write.
            "figures": {name: mark_safe(to_svg(fig)) for name, fig in section.figures.items()},
            "tables": {
                name: mark_safe(table.to_html(index=False, na_rep="—", classes="report-table"))
                for name, table in section.tables.items()
            },
        }
        for section in report.sections
    ]


def render(cut: DataCut, folder: Path | None = None) -> Rendered:
    """Write the cut's report as HTML, PDF and CSV/Parquet tables."""
    started = time.perf_counter()
    folder = folder or Path(settings.DATA_DIR) / "reports" / f"cut-{cut.pk}"
    folder.mkdir(parents=True, exist_ok=True)
    report = report_for(cut)
    html = folder / "dsmb.html"
    html.write_text(
        render_to_string(
            "reports/dsmb_standalone.html",
            {"report": report, "sections": html_sections(report), "cut": cut},
        ),
        encoding="utf-8",
    )
    pdf = folder / "dsmb.pdf"
    write_pdf(report, pdf)
    tables = write_tables(report, folder / "tables")
    return Rendered(html, pdf, tables, time.perf_counter() - started)
