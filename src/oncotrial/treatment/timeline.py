"""A participant's course drawn as a swimmer-style SVG timeline.

Rows for systemic cycles, radiotherapy, progression and MDT decisions,
follow-up and death, on a shared axis of days since allocation. The drawing is
plain SVG text built from plain values, so a page can inline it and a test can
read it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH, LEFT, ROW, TOP = 860, 150, 34, 24


@dataclass(frozen=True)
class Mark:
    row: str  # the row's label (already translated)
    start: dt.date
    end: dt.date | None = None  # a bar when given, else a point
    label: str = ""
    kind: str = "point"  # css class: cycle, rt, pd, mdt, death, fu


def draw(marks: Sequence[Mark], day0: dt.date, rows: Sequence[str], axis_label: str) -> str:
    """The SVG text of the timeline."""
    last = max([day0, *(m.end or m.start for m in marks)])
    span = max((last - day0).days, 30)
    scale = (WIDTH - LEFT - 20) / span
    height = TOP + ROW * len(rows) + 40

    def x(day: dt.date) -> float:
        return LEFT + (day - day0).days * scale

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label="{escape(axis_label)}">'
    ]
    for i, row in enumerate(rows):
        y = TOP + i * ROW + ROW / 2
        parts.append(f'<text x="8" y="{y + 4:.0f}" class="row">{escape(row)}</text>')
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.0f}" x2="{WIDTH - 20}" y2="{y:.0f}" class="lane"/>'
        )
    for mark in marks:
        y = TOP + rows.index(mark.row) * ROW + ROW / 2
        title = f"<title>{escape(mark.label)} {mark.start.isoformat()}</title>"
        if mark.end is not None:
            width = max(x(mark.end) - x(mark.start), 3)
            parts.append(
                f'<rect x="{x(mark.start):.1f}" y="{y - 8:.0f}" width="{width:.1f}" height="16" '
                f'class="{mark.kind}" data-label="{escape(mark.label)}">{title}</rect>'
            )
        else:
            parts.append(
                f'<circle cx="{x(mark.start):.1f}" cy="{y:.0f}" r="6" class="{mark.kind}" '
                f'data-label="{escape(mark.label)}">{title}</circle>'
            )
    axis_y = TOP + ROW * len(rows) + 14
    step = 30 if span <= 240 else 90
    for day in range(0, span + 1, step):
        tick = LEFT + day * scale
        parts.append(f'<text x="{tick:.0f}" y="{axis_y}" class="tick">{day}</text>')
    parts.append(f'<text x="{LEFT}" y="{axis_y + 18}" class="axis">{escape(axis_label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
