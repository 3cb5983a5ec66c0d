"""In real Chromium: a technician registers a blood draw, makes two plasma
aliquots, stores them in a box, ships them, and the manifest lists both."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect
from tests.biobank.conftest import make_box, set_consent
from tests.e2e.test_browser_screening import sign_in

pytestmark = pytest.mark.browser


def test_blood_draw_to_aliquots_to_box_to_shipment_manifest(live_server, page: Page, world) -> None:
    technician = world.users["biobank"]
    set_consent(world.consent_a, technician, proteomics=True)
    make_box(world.site_a, technician, name="Plasma box 1")
    base = live_server.url

    sign_in(page, base, "biobank")
    page.goto(f"{base}/biobank/participants/{world.participant_a.pk}/")
    page.get_by_text("Record a collection").click()
    form = page.locator("#form-collect")
    form.get_by_label("Specimen type").select_option("whole_blood")
    form.get_by_label("Time point").select_option("baseline")
    form.get_by_label("Collected at (site time)").fill("2024-02-12T09:30")
    form.get_by_label("Processing interval to freezing (minutes)").fill("40")
    form.get_by_label("Quantity").fill("10")
    form.get_by_label("Unit").select_option("mL")
    form.get_by_label("Collected by").select_option(label="biobank")
    form.get_by_role("button", name="Record the specimen").click()
    expect(page.get_by_text("Specimen ESO-AAA1-0001-001 recorded.")).to_be_visible()

    page.get_by_text("Make aliquots").click()
    form = page.locator("#form-aliquot")
    form.get_by_label("Aliquot type").select_option("plasma")
    form.get_by_label("Number of aliquots").fill("2")
    form.get_by_label("Quantity of each aliquot").fill("1.5")
    form.get_by_label("Unit").select_option("mL")
    form.get_by_role("button", name="Make the aliquots").click()
    expect(page.get_by_text("Aliquots made: ESO-AAA1-0001-002, ESO-AAA1-0001-003.")).to_be_visible()
    expect(page.locator(".lineage li.aliquot")).to_have_count(2)

    for position, code in [("A1", "ESO-AAA1-0001-002"), ("A2", "ESO-AAA1-0001-003")]:
        # The barcode box: a scanner types the code and Enter.
        page.get_by_label("Barcode").fill(code)
        page.get_by_label("Barcode").press("Enter")
        expect(page.get_by_role("heading", name=re.compile(code))).to_be_visible()
        page.get_by_text("Check in", exact=True).first.click()
        form = page.locator("#form-checkin")
        form.get_by_label("Box").select_option(label="AAA1 F-AAA1 / R1 / Plasma box 1")
        form.get_by_label("Position").fill(position)
        form.get_by_role("button", name="Check in").click()
        expect(page.get_by_text(f"{position}.", exact=False).first).to_be_visible()
        expect(page.locator("dd.location")).to_contain_text(position)

    page.get_by_role("link", name="Shipments").click()
    page.get_by_text("Open a shipment").click()
    form = page.locator("#form-open")
    form.get_by_label("Sending site").select_option(label="AAA1 Alpha hospital")
    form.get_by_label("Central laboratory").fill("Central proteomics laboratory")
    form.get_by_label("Released for").select_option("proteomics")
    form.get_by_role("button", name="Open the shipment").click()
    expect(page.get_by_role("heading", name=re.compile("Shipment SHP-"))).to_be_visible()
    for code in ["ESO-AAA1-0001-002", "ESO-AAA1-0001-003"]:
        page.locator("#form-add").get_by_label("Barcode").fill(code)
        page.locator("#form-add").get_by_role("button", name="Add to the shipment").click()
        expect(page.get_by_text(f"{code} added.")).to_be_visible()
    page.get_by_role("button", name="Dispatch the shipment").click()
    expect(page.get_by_text("Shipment dispatched.")).to_be_visible()

    manifest = page.locator("table.manifest tbody")
    expect(manifest.locator("tr")).to_have_count(2)
    expect(manifest).to_contain_text("ESO-AAA1-0001-002")
    expect(manifest).to_contain_text("ESO-AAA1-0001-003")
    href = page.get_by_role("link", name="Manifest (CSV)").get_attribute("href")
    response = page.request.get(f"{base}{href}")
    rows = list(csv.DictReader(io.StringIO(response.text())))
    assert [r["barcode"] for r in rows] == ["ESO-AAA1-0001-002", "ESO-AAA1-0001-003"]
