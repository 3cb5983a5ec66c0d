"""In real Chromium: a cycle by the coordinator; progression, MDT decision and
salvage radiotherapy by the investigator; the timeline shows them all."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from tests.e2e.test_browser_screening import sign_in

pytestmark = pytest.mark.browser


def test_cycle_progression_mdt_and_salvage_course_on_the_timeline(
    live_server, page: Page, world, allocated
) -> None:
    allocated("salvage")
    today = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=8))).date().isoformat()
    base = f"{live_server.url}/course/participants/{world.participant_a.pk}/"

    sign_in(page, live_server.url, "coord_a")
    page.goto(base)
    page.get_by_text("Record a cycle").click()
    form = page.locator("#form-cycle")
    form.locator("[name='cycle-number']").fill("1")
    form.get_by_label("Given on").fill(today)
    form.get_by_label("Regimen").select_option("TP")
    form.get_by_label("Height (cm)").fill("170")
    form.get_by_label("Weight (kg)").fill("70")
    form.locator("[name='dose-0-agent']").select_option("paclitaxel")
    form.locator("[name='dose-0-prescribed_mg']").fill("318")
    form.locator("[name='dose-0-given_mg']").fill("318")
    form.get_by_role("button", name="Save the cycle").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    expect(page.locator("svg.timeline circle.cycle")).to_have_count(1)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server.url, "inv_a")
    page.goto(base)
    page.get_by_text("Record a progression").click()
    form = page.locator("#form-progression")
    form.get_by_label("Date of progression").fill(today)
    form.get_by_label("Basis").select_option("recist")
    form.get_by_role("button", name="Save the progression").click()
    expect(page.get_by_text("Saved.")).to_be_visible()

    page.get_by_text("Record an MDT decision").click()
    form = page.locator("#form-mdt")
    form.get_by_label("Date of the meeting").fill(today)
    form.get_by_label("Radiation oncology").check()
    form.get_by_label("Medical oncology").check()
    form.get_by_label("Recommends salvage radiotherapy").check()
    form.get_by_label("Decision").fill("Salvage radiotherapy to the primary")
    form.get_by_label("Rationale").fill("Isolated local progression")
    form.get_by_role("button", name="Save the MDT decision").click()
    expect(page.get_by_text("Saved.")).to_be_visible()

    page.get_by_text("Record a radiotherapy course").click()
    form = page.locator("#form-course")
    form.get_by_label("Intent").select_option("salvage")
    form.get_by_label("Start date").fill(today)
    form.locator("[name='target-0-target']").select_option("primary")
    form.locator("[name='target-0-total_dose_gy']").fill("50")
    form.locator("[name='target-0-fractions']").fill("25")
    form.locator("[name='target-0-technique']").select_option("imrt")
    form.get_by_role("button", name="Save the course").click()
    expect(page.get_by_text("Saved.")).to_be_visible()

    timeline = page.locator("svg.timeline")
    expect(timeline.locator("circle.cycle")).to_have_count(1)
    expect(timeline.locator("circle.pd")).to_have_count(1)
    expect(timeline.locator("circle.mdt")).to_have_count(1)
    expect(timeline.locator("rect.rt-salvage")).to_have_count(1)
    # 50 Gy in 25 fractions: EQD2 (alpha/beta 10) = 50 Gy, BED10 = 60 Gy.
    expect(page.get_by_role("cell", name="60.0 Gy")).to_be_visible()
