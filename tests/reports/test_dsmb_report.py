"""The DSMB report: HTML, PDF and tables from one cut; for statisticians only."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import call_command

from oncotrial.datacut.models import DataCut


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path


def _pdf_pages(path: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")


def test_report_command_writes_html_pdf_and_tables(small_trial, tmp_path, capsys) -> None:
    call_command("datacut", "create", "--cutoff", "2099-12-31")
    cut = DataCut.objects.get()
    out = tmp_path / "out"
    call_command("report", "dsmb", "--cut", str(cut.pk), "--out", str(out))
    printed = capsys.readouterr().out
    assert "dsmb.pdf" in printed and "tables" in printed
    pages = _pdf_pages(out / "dsmb.pdf")
    assert any("Assessed for eligibility" in page for page in pages)  # the CONSORT diagram
    assert any("Number at risk" in page for page in pages)  # a Kaplan-Meier figure
    html = (out / "dsmb.html").read_text(encoding="utf-8")
    assert 'data-figure="consort"' in html and 'data-figure="km_os"' in html
    assert 'data-figure="swimmer"' in html and 'data-figure="waterfall"' in html
    csv = pd.read_csv(out / "tables" / "consort.csv")
    parquet = pd.read_parquet(out / "tables" / "consort.parquet")
    assert len(csv) == len(parquet) > 0


def test_the_report_page_is_for_statisticians_only(small_trial, as_user) -> None:
    call_command("datacut", "create", "--cutoff", "2099-12-31")
    cut = DataCut.objects.get()
    for username in ["coord_a", "inv_a", "monitor_a", "dm", "biobank"]:
        client = as_user(username)
        assert client.get("/reports/").status_code == 403
        assert client.get(f"/reports/cuts/{cut.pk}/").status_code == 403
    body = as_user("stat").get(f"/reports/cuts/{cut.pk}/").content.decode()
    assert 'data-figure="km_os"' in body and "<svg" in body and cut.manifest_sha256[:12] in body


def test_a_statistician_freezes_a_cut_from_the_page(small_trial, as_user) -> None:
    response = as_user("stat").post("/reports/", {"cutoff": "2099-12-31"})
    cut = DataCut.objects.get()
    assert response.status_code == 302 and response.url == f"/reports/cuts/{cut.pk}/"
    assert cut.created_by.username == "stat"
