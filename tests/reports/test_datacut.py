"""Data cuts: frozen, hashed, truncated at the cut-off, and checked when read back."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from oncotrial.analysis.tidy import empty
from oncotrial.datacut.models import DataCut
from oncotrial.datacut.services import CutDamaged, load_cut, truncate


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path


def test_a_cut_freezes_every_domain_with_its_checksum(small_trial) -> None:
    call_command("datacut", "create", "--cutoff", "2099-12-31")
    cut = DataCut.objects.get()
    manifest = json.loads((Path(cut.folder) / "manifest.json").read_text())
    assert set(manifest["files"]) == {"DM", "IE", "DS", "EX", "PR", "TR", "RS", "AE", "SS"}
    assert manifest["protocol_version"] == "1.0" and cut.participants == 2
    tables = load_cut(cut)
    assert set(tables["DM"]["USUBJID"]) == {"AAA1-0001", "BBB2-0001"}
    assert tables["DS"].loc[tables["DS"]["DSDECOD"] == "SCREEN_FAILURE", "DSTERM"].tolist() == [
        "I3"
    ]
    assert len(tables["TR"]) == 4 and tables["AE"]["AEDECOD"].tolist() == ["Esophagitis"]
    call_command("datacut", "verify", str(cut.pk))


def test_a_changed_file_is_detected(small_trial) -> None:
    call_command("datacut", "create", "--cutoff", "2099-12-31")
    cut = DataCut.objects.get()
    path = Path(cut.folder) / "AE.parquet"
    frame = pd.read_parquet(path)
    frame.loc[0, "AETOXGR"] = 1
    frame.to_parquet(path, index=False)
    with pytest.raises(CutDamaged, match=r"AE\.parquet does not match"):
        load_cut(cut)
    with pytest.raises(CommandError):
        call_command("datacut", "verify", str(cut.pk))


def test_observations_after_the_cutoff_are_left_out() -> None:
    tables = {name: empty(name) for name in ["DM", "IE", "DS", "EX", "PR", "TR", "RS", "AE", "SS"]}
    tables["DM"] = pd.DataFrame(
        {
            "USUBJID": ["A", "B"],
            "SITEID": ["S", "S"],
            "AGE": [60, 61],
            "SEX": ["M", "F"],
            "SCRNDT": pd.to_datetime(["2024-01-01", "2024-06-01"]),
            "COHORT": ["randomized", ""],
            "ARMCD": ["salvage", ""],
            "ALLOCDT": pd.to_datetime(["2024-03-02", None]),
            "INDRESP": ["PR", "PR"],
            "METORG": ["1", "1"],
            "ECOG": [1, 1],
        }
    )
    tables["SS"] = pd.DataFrame(
        {
            "USUBJID": ["A", "A"],
            "SSDT": pd.to_datetime(["2024-02-01", "2024-04-01"]),
            "SSSTRESC": ["ALIVE", "DEAD"],
        }
    )
    cut = truncate(tables, dt.date(2024, 3, 1))
    assert cut["DM"]["USUBJID"].tolist() == ["A"]  # B was screened after the cut-off
    assert cut["DM"].loc[0, "ARMCD"] == ""  # allocated the day after the cut-off
    assert cut["SS"]["SSSTRESC"].tolist() == ["ALIVE"]
