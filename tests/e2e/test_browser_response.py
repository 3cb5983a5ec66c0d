"""In real Chromium: a reader enters a baseline and two follow-ups and sees PR, then PD."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from tests.e2e.test_browser_screening import sign_in

pytestmark = pytest.mark.browser


def test_reader_sees_partial_response_then_progression(live_server, page: Page, world) -> None:
    sign_in(page, live_server.url, "coord_a")
    page.goto(f"{live_server.url}/response/participants/{world.participant_a.pk}/")
    form = page.locator("#baseline-form")
    form.get_by_label("Date of the scan").fill("2024-03-01")
    for i, (code, organ, mm) in enumerate([("T1", "liver", "30"), ("T2", "lung", "20")], start=1):
        form.get_by_label(f"Lesion {i}", exact=True).fill(code)
        form.get_by_label(f"Organ {i}", exact=True).fill(organ)
        form.get_by_label(f"Diameter (mm) {i}", exact=True).fill(mm)
    form.get_by_role("button", name="Save the baseline").click()
    expect(page.get_by_text("Saved.")).to_be_visible()

    for date, t1, t2, expected in [
        ("2024-04-12", "21", "14", "PR"),
        ("2024-05-24", "25", "17", "PD"),
    ]:
        form = page.locator("#followup-form")
        form.get_by_label("Date of the scan").fill(date)
        form.get_by_label("Diameter (mm) T1").fill(t1)
        form.get_by_label("Diameter (mm) T2").fill(t2)
        # Computed as the reader types, before saving.
        expect(page.locator("#preview .overall")).to_have_text(expected)
        form.get_by_role("button", name="Save the assessment").click()
        expect(page.locator(f"tr[data-date='{date}'] td.overall")).to_have_text(expected)

    expect(page.locator("strong.bor")).to_have_text("PR")
