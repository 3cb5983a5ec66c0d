"""In real Chromium: a statistician sees the survival curves; a coordinator cannot."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect
from tests.e2e.test_browser_screening import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path


def test_statistician_sees_survival_curves_and_coordinator_is_refused(
    live_server, page: Page, small_trial
) -> None:
    from oncotrial.datacut.models import DataCut

    call_command("datacut", "create", "--cutoff", "2099-12-31")
    cut = DataCut.objects.get()

    sign_in(page, live_server.url, "stat")
    page.get_by_role("link", name="Reports").click()
    page.get_by_role("link", name=f"#{cut.pk}").click()
    km = page.locator("figure[data-figure='km_os'] svg")
    expect(km).to_be_visible()
    expect(page.locator("figure[data-figure='consort'] svg")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server.url, "coord_a")
    expect(page.get_by_role("link", name="Reports")).to_have_count(0)
    response = page.goto(f"{live_server.url}/reports/cuts/{cut.pk}/")
    assert response is not None and response.status == 403
