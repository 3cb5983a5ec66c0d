"""In real Chromium: sign in, switch to Chinese, see only the own site's data."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_coordinator_signs_in_switches_language_and_sees_only_their_site(
    live_server, page: Page, world
) -> None:
    page.goto(f"{live_server.url}/participants/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Username").fill("coord_a")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Back where they were going, in English.
    expect(page.get_by_role("heading", name="Participants")).to_be_visible()
    expect(page.get_by_role("link", name="AAA1-0001")).to_be_visible()
    expect(page.get_by_text("BBB2-0001")).to_have_count(0)

    page.get_by_label("Language").select_option("zh-hans")
    expect(page.get_by_role("heading", name="受试者")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("link", name="AAA1-0001")).to_be_visible()
    expect(page.get_by_text("BBB2-0001")).to_have_count(0)

    page.get_by_role("link", name="首页").click()
    expect(page.get_by_role("heading", name="研究协调员")).to_be_visible()

    # Guessing the other site's record id finds nothing.
    response = page.goto(f"{live_server.url}/participants/{world.participant_b.pk}/")
    assert response is not None and response.status == 404
