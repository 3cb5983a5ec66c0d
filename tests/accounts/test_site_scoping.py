"""Site staff cannot read or change another site's records by guessing URLs.

Every URL pattern that takes a record id is tried with a record of the other
site. A new pattern with an id must be added to `RECORDS` below, or this test
fails: nobody can add a page that escapes the check.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# kwarg name -> (attribute of the world holding the other site's record,
#                attribute holding the own site's record, or None when no site
#                role may open the page at all)
RECORDS = {
    "participant_id": ("participant_b", "participant_a"),
    "site_id": ("site_b", None),
    "user_id": ("users.coord_b", None),
    "membership_id": ("membership_b", None),
    "screening_id": ("screening_b", "screening_a"),
    "consent_id": ("consent_b", "consent_a"),
    "allocation_id": ("allocation_b", None),
    "event_id": ("event_b", None),
    "cut_id": ("cut", None),
    "specimen_id": ("specimen_b", "specimen_a"),
    "box_id": ("box_b", "box_a"),
    "shipment_id": ("shipment_b", "shipment_a"),
}


@pytest.fixture
def world(world):
    """The shared world, plus an allocation at site B (a preference-cohort one)."""
    import uuid

    from django.utils import timezone

    from oncotrial.audit.services import save_record
    from oncotrial.randomization.models import Allocation
    from oncotrial.randomization.services import ensure_scheme

    scheme = ensure_scheme()
    allocation = Allocation(
        participant=world.participant_b,
        scheme=scheme,
        protocol_version=scheme.protocol_version,
        cohort="preference",
        arm="salvage",
        allocated_at=timezone.now(),
        allocated_by=world.users["coord_b"],
        idempotency_key=uuid.uuid4(),
        method="preference",
        preference_reason="test",
    )
    save_record(allocation, actor=world.users["coord_b"])
    world.allocation_b = allocation

    from oncotrial.safety.models import AdverseEvent

    event = AdverseEvent(
        participant=world.participant_b,
        term="Nausea",
        meddra_code="10028813",
        soc="Gastrointestinal disorders",
        grade=1,
        onset_on=timezone.localdate(),
        outcome="recovering",
    )
    save_record(event, actor=world.users["coord_b"])
    world.event_b = event

    from oncotrial.datacut.models import DataCut

    # A data cut belongs to the whole trial: no site role may open one.
    world.cut = DataCut.objects.create(
        cutoff=timezone.localdate(),
        folder="/nonexistent",
        manifest_sha256="0" * 64,
        protocol_version="1.0",
    )

    from tests.biobank.conftest import draw, make_box

    from oncotrial.biobank.models import Shipment

    for suffix, participant, site in [
        ("a", world.participant_a, world.site_a),
        ("b", world.participant_b, world.site_b),
    ]:
        technician = world.users["biobank"]
        setattr(world, f"specimen_{suffix}", draw(participant, technician))
        setattr(world, f"box_{suffix}", make_box(site, technician))
        shipment = Shipment(
            site=site, destination="Central lab", assay="wes", created_by=technician
        )
        save_record(shipment, actor=technician)
        setattr(world, f"shipment_{suffix}", shipment)
    return world


def _patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, URLPattern]]:
    out = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            out.extend(_patterns(entry, route))
        else:
            out.append((route, entry))
    return out


def record_patterns() -> list[tuple[str, URLPattern]]:
    return [(r, p) for r, p in _patterns(get_resolver()) if p.pattern.converters]


def _get(world: Any, dotted: str) -> Any:
    node: Any = world
    for part in dotted.split("."):
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    return node


def _url(pattern: URLPattern, world: Any, which: int) -> str | None:
    from django.urls import reverse

    kwargs = {}
    for name in pattern.pattern.converters:
        holder = RECORDS[name][which]
        if holder is None:
            return None
        kwargs[name] = _get(world, holder).pk
    return reverse(pattern.name, kwargs=kwargs)


def test_every_pattern_with_a_record_id_is_covered() -> None:
    names = {name for _, p in record_patterns() for name in p.pattern.converters}
    assert names <= set(RECORDS), f"add these to RECORDS: {names - set(RECORDS)}"
    assert len(record_patterns()) >= 21


@pytest.mark.parametrize("username", ["coord_a", "inv_a", "monitor_a"])
def test_site_staff_get_404_or_403_for_every_record_of_another_site(
    world, client, username
) -> None:
    client.force_login(world.users[username])
    checked = 0
    for _route, pattern in record_patterns():
        url = _url(pattern, world, 0)
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"reason": "guess", "sex": "F"})
            # 405 answers a GET to a POST-only page whatever the id: it reveals nothing.
            allowed = (403, 404, 405) if method == "get" else (403, 404)
            assert response.status_code in allowed, (
                f"{method.upper()} {url} gave {response.status_code}"
            )
            assert b"BBB2-0001" not in response.content
            checked += 1
    assert checked == 2 * len(record_patterns())
    # Nothing of site B changed.
    from oncotrial.participants.models import Participant

    b = Participant.objects.get(pk=world.participant_b.pk)
    assert b.sex == "F" and not b.is_voided


def test_own_site_records_open_normally(world, client) -> None:
    """The control: the same URLs work for a record of the user's own site."""
    client.force_login(world.users["inv_a"])
    for route in ["participant-detail", "participant-edit", "participant-void"]:
        from django.urls import reverse

        response = client.get(reverse(route, args=[world.participant_a.pk]))
        assert response.status_code == 200, route


def test_lists_show_only_the_own_site(world, as_user) -> None:
    body = as_user("coord_a").get("/participants/").content.decode()
    assert "AAA1-0001" in body and "BBB2-0001" not in body


def test_trial_wide_roles_see_every_site(world, as_user) -> None:
    body = as_user("dm").get("/participants/").content.decode()
    assert "AAA1-0001" in body and "BBB2-0001" in body


def test_monitor_reads_but_cannot_change(world, as_user) -> None:
    client = as_user("monitor_a")
    pk = world.participant_a.pk
    assert client.get(f"/participants/{pk}/").status_code == 200
    assert client.get(f"/participants/{pk}/audit/").status_code == 200
    assert client.post(f"/participants/{pk}/edit/", {"reason": "x"}).status_code == 404


def test_audit_log_is_scoped_to_the_monitors_sites(world, as_user) -> None:
    body = as_user("monitor_a").get("/audit/").content.decode()
    assert f"participants.participant {world.participant_a.pk}" in body
    assert f"participants.participant {world.participant_b.pk}" not in body


def test_biobank_and_statistician_cannot_register_or_edit(world, as_user) -> None:
    for username in ["biobank", "stat"]:
        client = as_user(username)
        assert client.get("/participants/new/").status_code == 403
        assert client.get(f"/participants/{world.participant_a.pk}/edit/").status_code == 404


def test_coordinator_cannot_register_at_another_site(world, as_user) -> None:
    client = as_user("coord_a")
    response = client.post(
        "/participants/new/",
        {
            "site": world.site_b.pk,
            "date_of_birth": "1970-01-01",
            "sex": "M",
            "screening_date": "2024-03-01",
        },
    )
    assert response.status_code == 200
    assert "Choose the site" in response.content.decode()
    from oncotrial.participants.models import Participant

    assert Participant.objects.filter(site=world.site_b).count() == 1


def test_administration_pages_are_the_administrators_only(world, as_user) -> None:
    for username in ["coord_a", "inv_a", "monitor_a", "dm", "stat", "biobank"]:
        client = as_user(username)
        for url in [
            "/accounts/sites/",
            "/accounts/users/",
            "/accounts/sites/new/",
            "/accounts/users/new/",
        ]:
            assert client.get(url).status_code == 403, (username, url)
    client = as_user("admin")
    assert client.get("/accounts/users/").status_code == 200
