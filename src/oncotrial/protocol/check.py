"""`oncotrial protocol check FILE`: every problem of a protocol file, or OK."""

from __future__ import annotations

from pathlib import Path

from oncotrial.protocol.loader import ProtocolError, load_protocol


def check_file(path: str | Path) -> tuple[int, str]:
    """(exit code, report) for the protocol file at `path`."""
    try:
        loaded = load_protocol(path)
    except ProtocolError as exc:
        return 1, str(exc)
    p = loaded.protocol
    return 0, (
        f"{path}: OK — {p.trial.acronym} ({p.trial.registry_id}) version {p.version}, "
        f"{len(p.criteria)} criteria, {len(p.arms)} arms, {len(p.cohorts)} cohorts"
    )
