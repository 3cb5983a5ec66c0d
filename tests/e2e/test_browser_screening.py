"""In real Chromium: screen an eligible and an ineligible candidate, sign, read the log."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from tests.conftest import ELIGIBLE_EVIDENCE, PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Home")).to_be_visible()


def fill_evidence(page: Page, data: dict[str, Any]) -> None:
    form = page.locator("#screening-form")
    for name, value in data.items():
        if isinstance(value, list):
            for box in form.locator(f"input[name='{name}']").all():
                box.set_checked(box.get_attribute("value") in value)
            continue
        field = form.locator(f"[name='{name}']")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def test_coordinator_screens_two_candidates_and_investigator_signs(
    live_server, page: Page, world
) -> None:
    base = live_server.url
    sign_in(page, base, "coord_a")

    # An ineligible candidate, registered and consented in the browser.
    page.goto(f"{base}/participants/new/")
    page.get_by_label("Date of birth").fill("1955-06-01")
    page.get_by_label("Sex").select_option("M")
    page.get_by_label("Screening date").fill("2024-02-05")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name=re.compile(r"Screening · AAA1-0002"))).to_be_visible()
    screening_url = page.url
    page.get_by_role("link", name="Consent").click()
    page.get_by_label("Language of the document").select_option("zh")
    page.get_by_label("Signed at (site time)").fill("2024-01-22T09:00")
    page.get_by_label("Consent obtained by").select_option(label="coord_a")
    page.get_by_role("button", name="Record the consent").click()
    expect(page.get_by_text("Consent recorded.")).to_be_visible()

    page.goto(screening_url)
    fill_evidence(page, {**ELIGIBLE_EVIDENCE, "ecog": "2"})
    # The status follows what is typed, before anything is saved.
    i3 = page.locator("#status li[data-criterion='I3']")
    expect(i3).to_contain_text("not met")
    expect(i3).to_contain_text("ECOG performance status 0 or 1")
    expect(page.locator("#status h2")).to_contain_text("not eligible")
    page.get_by_role("button", name="Save the evidence").click()
    expect(page.get_by_text("The evidence was saved.")).to_be_visible()
    page.get_by_label("Outcome").select_option("screen_failure")
    page.get_by_role("button", name="Close the screening").click()
    expect(page.get_by_text("Screen failure: I3")).to_be_visible()

    # The eligible candidate (consented earlier).
    page.goto(f"{base}/screening/{world.screening_a.pk}/")
    fill_evidence(page, ELIGIBLE_EVIDENCE)
    expect(page.locator("#status h2")).to_contain_text("eligible")
    expect(page.locator("#status h2")).not_to_contain_text("not eligible")
    page.get_by_role("button", name="Save the evidence").click()
    expect(page.get_by_text("The evidence was saved.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # The investigator signs it.
    sign_in(page, base, "inv_a")
    page.goto(f"{base}/screening/{world.screening_a.pk}/")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Sign eligibility").click()
    expect(page.get_by_text("Eligibility signed.")).to_be_visible()
    expect(page.locator("p.signed")).to_contain_text("I confirm this participant is eligible")

    # The screening log: one failure, with its criterion and text.
    page.goto(f"{base}/screening/log/")
    site = page.locator("section", has=page.get_by_role("heading", name="AAA1"))
    expect(site.locator("tbody td").nth(3)).to_have_text("1")  # signed eligible
    expect(site.locator("tbody td").nth(4)).to_have_text("1")  # screen failures
    expect(site).to_contain_text("I3 × 1")
    expect(site).to_contain_text("ECOG performance status 0 or 1")
