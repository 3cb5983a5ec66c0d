"""Freezing the tidy tables at a cut-off date, and reading a cut back.

A cut holds one Parquet file per domain and a manifest (cut-off, protocol
version, each file's SHA-256 and rows). The manifest's own SHA-256 is kept
in the database, so reading a cut back checks every byte against what was
frozen: an analysis names its cut and can be re-run from it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings
from django.db import transaction

from oncotrial.analysis.tidy import DOMAINS, validate
from oncotrial.audit.services import append_event
from oncotrial.datacut.export import tidy_tables
from oncotrial.datacut.models import DataCut
from oncotrial.participants.models import Participant
from oncotrial.trial.current import current_protocol

# The date that places a row of each domain before or after the cut-off.
DATE_OF = {
    "DM": "SCRNDT",
    "DS": "DSSTDT",
    "EX": "EXSTDT",
    "PR": "PRSTDT",
    "TR": "TRDT",
    "RS": "RSDT",
    "AE": "AESTDT",
    "SS": "SSDT",
}


class CutDamaged(Exception):
    """A cut whose files no longer match its manifest."""


def truncate(tables: dict[str, pd.DataFrame], cutoff: dt.date) -> dict[str, pd.DataFrame]:
    """The tables as known on `cutoff`: later observations removed."""
    limit = pd.Timestamp(cutoff)
    out = {}
    for name, frame in tables.items():
        frame = frame.copy()
        column = DATE_OF.get(name)
        if column is not None:
            frame = frame.loc[frame[column].isna() | (frame[column] <= limit)]
        if name == "RS":
            # A best response summarises time points the cut may have removed;
            # the derivation recomputes it from the time points kept.
            frame = frame.loc[frame["RSTESTCD"] != "BESTRESP"]
        if name == "DM":
            later = frame["ALLOCDT"] > limit
            frame.loc[later, ["COHORT", "ARMCD"]] = ""
            frame.loc[later, "ALLOCDT"] = pd.NaT
        if name == "AE":
            frame.loc[frame["AEENDT"] > limit, "AEENDT"] = pd.NaT
        out[name] = validate(name, frame.reset_index(drop=True))
    known = set(out["DM"]["USUBJID"])
    for name in out:
        out[name] = out[name].loc[out[name]["USUBJID"].isin(known)].reset_index(drop=True)
    return out


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def create_cut(cutoff: dt.date, actor: Any = None) -> DataCut:
    """Freeze every participant's tidy tables as of `cutoff`."""
    tables = truncate(tidy_tables(Participant.objects.all()), cutoff)
    root = Path(settings.DATA_DIR) / "cuts"
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    folder = root / f"{cutoff:%Y-%m-%d}_{stamp}"
    folder.mkdir(parents=True)
    files = {}
    for name, frame in tables.items():
        path = folder / f"{name}.parquet"
        frame.to_parquet(path, index=False)
        files[name] = {"file": path.name, "sha256": _sha256(path), "rows": len(frame)}
    protocol = current_protocol()
    manifest = {
        "cutoff": cutoff.isoformat(),
        "registry_id": protocol.trial.registry_id,
        "protocol_version": protocol.version,
        "files": files,
    }
    manifest_path = folder / "manifest.json"
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    with transaction.atomic():
        cut = DataCut.objects.create(
            cutoff=cutoff,
            created_by=actor if getattr(actor, "pk", None) else None,
            folder=str(folder),
            manifest_sha256=_sha256(manifest_path),
            protocol_version=protocol.version,
            participants=len(tables["DM"]),
        )
        append_event(
            actor=actor,
            action="create",
            record_type="datacut.datacut",
            record_id=str(cut.pk),
            changes={
                "cutoff": [None, cutoff.isoformat()],
                "manifest_sha256": [None, cut.manifest_sha256],
            },
        )
    return cut


def load_cut(cut: DataCut) -> dict[str, pd.DataFrame]:
    """The cut's tables, after checking every file against the manifest."""
    folder = Path(cut.folder)
    manifest_path = folder / "manifest.json"
    if not manifest_path.exists() or _sha256(manifest_path) != cut.manifest_sha256:
        raise CutDamaged(f"{cut.label}: the manifest was changed or removed")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    tables = {}
    for name in DOMAINS:
        entry = manifest["files"][name]
        path = folder / entry["file"]
        if not path.exists() or _sha256(path) != entry["sha256"]:
            raise CutDamaged(f"{cut.label}: {entry['file']} does not match the manifest")
        tables[name] = validate(name, pd.read_parquet(path))
    return tables
