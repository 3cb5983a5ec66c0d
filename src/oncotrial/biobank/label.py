"""Specimen labels: Code 128 drawn as SVG by python-barcode."""

from __future__ import annotations

import io

import barcode
from barcode.writer import SVGWriter


def barcode_svg(text: str) -> str:
    """An inline SVG element encoding `text` in Code 128 (no XML prologue, no text line)."""
    out = io.BytesIO()
    code = barcode.get("code128", text, writer=SVGWriter())
    code.write(out, options={"write_text": False, "module_height": 8.0, "quiet_zone": 2.0})
    svg = out.getvalue().decode("utf-8")
    return svg[svg.index("<svg") :]
