"""Loading the protocol in force into the database."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction

from oncotrial.audit.services import append_event
from oncotrial.trial.current import loaded_protocol
from oncotrial.trial.models import ProtocolVersion


class ProtocolVersionConflict(Exception):
    """A version number that is already loaded with other content."""


def ensure_protocol_version(actor: Any = None) -> ProtocolVersion:
    """The database row of the protocol in force, created on first use."""
    loaded = loaded_protocol()
    protocol = loaded.protocol
    # Nearly always the row exists: one read, no transaction.
    existing = _checked(loaded)
    if existing is not None:
        return existing
    with transaction.atomic():
        existing = _checked(loaded)
        if existing is not None:
            return existing
        row = ProtocolVersion.objects.create(
            registry_id=protocol.trial.registry_id,
            version=protocol.version,
            effective_date=protocol.protocol.effective_date,
            sha256=loaded.sha256,
            content=json.loads(protocol.model_dump_json(by_alias=True)),
        )
        append_event(
            actor=actor,
            action="create",
            record_type="trial.protocolversion",
            record_id=str(row.pk),
            changes={"version": [None, row.version], "sha256": [None, row.sha256]},
        )
        return row


def _checked(loaded: Any) -> ProtocolVersion | None:
    """The stored row of the loaded protocol's version, refused if its content differs."""
    protocol = loaded.protocol
    existing = ProtocolVersion.objects.filter(
        registry_id=protocol.trial.registry_id, version=protocol.version
    ).first()
    if existing is not None and existing.sha256 != loaded.sha256:
        raise ProtocolVersionConflict(
            f"protocol version {protocol.version} is already loaded with different "
            "content; an amendment needs a new version number"
        )
    return existing


def current_protocol_version() -> ProtocolVersion:
    return ensure_protocol_version()
