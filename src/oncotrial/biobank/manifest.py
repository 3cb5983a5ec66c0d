"""Shipment manifests: one tidy table, written as CSV and as PDF.

The columns are stable machine names (the central laboratory reads the CSV
by them). The PDF is drawn with matplotlib's PdfPages in a monospaced font
and written uncompressed, so each barcode stands in the file as plain text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

COLUMNS = [
    "barcode",
    "parent_barcode",
    "participant",
    "specimen_type",
    "time_point",
    "collected_at_utc",
    "quantity",
    "unit",
    "freeze_thaw_cycles",
]
ROWS_PER_PAGE = 30


def manifest_rows(items: Iterable[Any]) -> list[dict[str, str]]:
    """One row per specimen of the shipment (`ShipmentItem`s)."""
    import datetime as dt

    rows = []
    for item in items:
        s = item.specimen
        rows.append(
            {
                "barcode": s.barcode,
                "parent_barcode": s.parent.barcode if s.parent_id else "",
                "participant": s.participant.screening_number,
                "specimen_type": s.specimen_type,
                "time_point": s.timepoint,
                "collected_at_utc": s.collected_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%MZ"),
                "quantity": f"{s.quantity.normalize():f}",
                "unit": s.unit,
                "freeze_thaw_cycles": str(s.freeze_thaw_count),
            }
        )
    return rows


def manifest_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def manifest_pdf(title_lines: list[str], rows: list[dict[str, str]]) -> bytes:
    """A4 landscape pages listing `rows` under `title_lines`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    widths = [max(len(c), *(len(r[c]) for r in rows)) if rows else len(c) for c in COLUMNS]

    def line(values: list[str]) -> str:
        return "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=True))

    buffer = io.BytesIO()
    pages = [rows[i : i + ROWS_PER_PAGE] for i in range(0, len(rows), ROWS_PER_PAGE)] or [[]]
    with (
        matplotlib.rc_context({"pdf.compression": 0, "pdf.fonttype": 3}),
        PdfPages(buffer, metadata={"Title": title_lines[0]}) as pdf,
    ):
        for number, page in enumerate(pages, start=1):
            fig = plt.figure(figsize=(11.69, 8.27))
            y = 0.95
            for text in title_lines:
                fig.text(0.04, y, text, fontsize=11, family="DejaVu Sans")
                y -= 0.03
            y -= 0.01
            fig.text(0.04, y, line(COLUMNS), fontsize=7, family="DejaVu Sans Mono")
            for row in page:
                y -= 0.026
                fig.text(
                    0.04,
                    y,
                    line([row[c] for c in COLUMNS]),
                    fontsize=7,
                    family="DejaVu Sans Mono",
                )
            fig.text(0.96, 0.03, f"{number}/{len(pages)}", fontsize=7, ha="right")
            pdf.savefig(fig)
            plt.close(fig)
    return buffer.getvalue()
