"""The protocol in force, readable by every user."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from oncotrial.trial.current import loaded_protocol


def protocol_page(request: HttpRequest) -> HttpResponse:
    loaded = loaded_protocol()
    return render(
        request, "trial/protocol.html", {"protocol": loaded.protocol, "sha256": loaded.sha256}
    )
