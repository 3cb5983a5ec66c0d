"""In real Chromium: grade 3 oesophagitis from radiotherapy, serious, on the SAE dashboard."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from tests.e2e.test_browser_screening import sign_in

pytestmark = pytest.mark.browser


def test_investigator_records_a_serious_oesophagitis(
    live_server, page: Page, world, allocated
) -> None:
    from oncotrial.treatment.models import RadiotherapyCourse
    from oncotrial.treatment.services import record_course

    allocated("salvage")
    record_course(
        RadiotherapyCourse(
            participant=world.participant_a, intent="salvage", started_on=timezone.localdate()
        ),
        [],
        world.users["inv_a"],
        deviation_reason="urgent palliation",
    )
    local = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=8)))

    sign_in(page, live_server.url, "inv_a")
    page.goto(f"{live_server.url}/safety/participants/{world.participant_a.pk}/")
    form = page.locator("#ae-form")
    form.get_by_label("CTCAE term").fill("Esophagitis")
    # The grade list follows the term: CTCAE v5.0's own descriptions.
    grade = form.locator("#id_grade")
    expect(grade.locator("option[value='3']")).to_contain_text("tube feeding")
    grade.select_option("3")
    form.get_by_label("Onset").fill(local.date().isoformat())
    form.get_by_label("Requires or prolongs hospitalisation").check()
    form.get_by_label("Site became aware (site time)").fill(local.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_label("Outcome").select_option("recovering")
    form.get_by_label("Attribution to radiotherapy").select_option("probable")
    form.get_by_role("button", name="Record the event").click()
    expect(page.get_by_text("The adverse event was recorded.")).to_be_visible()

    page.get_by_role("link", name="Serious adverse events").first.click()
    row = page.locator("table.sae tbody tr", has_text="Esophagitis")
    expect(row).to_contain_text("AAA1-0001")
    due = (local.replace(second=0, microsecond=0) + dt.timedelta(hours=24)).astimezone(dt.UTC)
    expect(row.locator("[data-kind='sponsor_notification']")).to_contain_text(
        due.strftime("%Y-%m-%d %H:%M")
    )
    expect(row.locator("[data-kind='sponsor_notification']")).to_contain_text("left")
