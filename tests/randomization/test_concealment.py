"""Nobody at a site can see or infer a future assignment."""

from __future__ import annotations

import uuid

from django.core.management import call_command
from tests.accounts.test_site_scoping import _patterns

from oncotrial.audit.models import AuditEvent
from oncotrial.randomization import services
from oncotrial.randomization.models import MinimizationDraw


def test_no_page_shows_a_future_draw_to_any_role(world, ready, as_user) -> None:
    from django.urls import get_resolver, reverse

    services.allocate(
        participant=ready,
        actor=world.users["inv_a"],
        cohort="randomized",
        idempotency_key=uuid.uuid4(),
    )
    scheme = services.ensure_scheme()
    future = [
        str(d)
        for d in MinimizationDraw.objects.filter(scheme=scheme, index__gte=1).values_list(
            "draw", flat=True
        )[:50]
    ]
    plain_urls = [
        reverse(p.name)
        for _, p in _patterns(get_resolver())
        if p.name and not p.pattern.converters and p.name not in {"logout", "set_language"}
    ]
    record_urls = [
        f"/participants/{ready.pk}/",
        f"/allocation/participants/{ready.pk}/",
        f"/screening/{world.screening_a.pk}/",
        f"/participants/{ready.pk}/audit/",
    ]
    for username in ["coord_a", "inv_a", "monitor_a", "dm", "stat", "biobank", "admin"]:
        client = as_user(username)
        for url in plain_urls + record_urls:
            body = client.get(url).content.decode()
            leaked = [d for d in future if d in body]
            assert not leaked, f"{username} sees future draws at {url}"


def test_the_sequences_are_for_the_designated_statistician_only_and_audited(
    world, ready, as_user, capsys
) -> None:
    services.ensure_scheme()
    for username in ["coord_a", "inv_a", "monitor_a", "dm", "stat", "admin"]:
        assert as_user(username).get("/allocation/sequences/").status_code == 403
    call_command("allocation", "designate", "stat")
    first = str(MinimizationDraw.objects.get(index=0).draw)
    body = as_user("stat").get("/allocation/sequences/").content.decode()
    assert first in body
    assert (
        AuditEvent.objects.filter(action="view_restricted", actor=world.users["stat"]).count() == 1
    )
    assert AuditEvent.objects.filter(changes__designated_statistician=[None, "stat"]).exists()


def test_the_commitment_is_shown_to_everyone(world, ready, as_user) -> None:
    scheme = services.ensure_scheme()
    for username in ["coord_a", "monitor_a", "stat"]:
        body = as_user(username).get("/allocation/").content.decode()
        assert scheme.commitment in body and "match the commitment" in body
