"""The protocol in force: read once from `settings.PROTOCOL_FILE`."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from oncotrial.protocol.loader import LoadedProtocol, ProtocolError, load_protocol
from oncotrial.protocol.schema import Protocol


@cache
def loaded_protocol() -> LoadedProtocol:
    try:
        return load_protocol(settings.PROTOCOL_FILE)
    except ProtocolError as exc:
        raise ImproperlyConfigured(
            f"OncoTrial cannot start: the protocol file is invalid.\n{exc}\n"
            "Fix the file (see `oncotrial protocol check FILE`) or set ONCOTRIAL_PROTOCOL."
        ) from exc


def current_protocol() -> Protocol:
    return loaded_protocol().protocol
