"""In real Chromium: an investigator randomizes one participant and allocates
another to the preference cohort."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect
from tests.conftest import make_ready, record_consent
from tests.e2e.test_browser_screening import sign_in

pytestmark = pytest.mark.browser


def test_investigator_randomizes_one_and_records_a_preference(
    live_server, page: Page, world
) -> None:
    from oncotrial.participants.services import register_participant
    from oncotrial.screening.services import start_screening

    coordinator, investigator = world.users["coord_a"], world.users["inv_a"]
    make_ready(world.participant_a, world.screening_a, coordinator, investigator)
    second = register_participant(
        site=world.site_a,
        actor=coordinator,
        date_of_birth=dt.date(1962, 3, 3),
        sex="F",
        screening_date=dt.date(2024, 2, 1),
    )
    record_consent(second, coordinator)
    make_ready(second, start_screening(second, coordinator), coordinator, investigator)

    base = live_server.url
    sign_in(page, base, "inv_a")
    page.goto(f"{base}/participants/{world.participant_a.pk}/")
    page.get_by_role("link", name="Allocation", exact=True).last.click()
    page.get_by_label("Yes: randomize (1:1)").check()
    page.get_by_role("button", name="Allocate").click()
    expect(page.get_by_role("heading", name="Allocated")).to_be_visible()
    expect(page.locator("dd.arm")).to_have_text(
        re.compile(r"^(Consolidation|Salvage) radiotherapy$")
    )
    expect(page.get_by_text("Randomized cohort")).to_be_visible()

    page.goto(f"{base}/allocation/participants/{second.pk}/")
    page.get_by_label("No: the participant chooses an arm (preference cohort)").check()
    page.get_by_label("Arm chosen by the participant").select_option("salvage")
    page.get_by_label("Reason for the choice").fill(
        "Prefers radiotherapy only if the disease progresses"
    )
    page.get_by_role("button", name="Allocate").click()
    expect(page.locator("dd.arm")).to_have_text("Salvage radiotherapy")
    expect(page.get_by_text("Preference cohort")).to_be_visible()
    expect(page.get_by_text("Prefers radiotherapy only if the disease progresses")).to_be_visible()
