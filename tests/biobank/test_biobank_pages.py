"""Who sees which specimens; the barcode box; labels; storage; handling rights."""

from __future__ import annotations

from tests.biobank.conftest import draw


def test_technician_sees_every_site_coordinator_only_hers(world, as_user) -> None:
    draw(world.participant_a, world.users["biobank"])
    draw(world.participant_b, world.users["biobank"])
    body = as_user("biobank").get("/biobank/").content.decode()
    assert "ESO-AAA1-0001-001" in body and "ESO-BBB2-0001-001" in body
    body = as_user("coord_a").get("/biobank/").content.decode()
    assert "ESO-AAA1-0001-001" in body and "ESO-BBB2-0001-001" not in body


def test_barcode_box_jumps_to_the_specimen(world, as_user) -> None:
    a = draw(world.participant_a, world.users["biobank"])
    b = draw(world.participant_b, world.users["biobank"])
    client = as_user("coord_a")
    response = client.get("/biobank/scan/", {"barcode": f" {a.barcode.lower()} "})
    assert response.status_code == 302 and response["Location"] == f"/biobank/specimens/{a.pk}/"
    response = client.get("/biobank/scan/", {"barcode": b.barcode})
    body = response.content.decode()
    assert response.status_code == 200
    assert f"No specimen with barcode {b.barcode} in your scope." in body
    assert 'id="id_barcode_error"' in body


def test_label_page_has_code_128_and_text(world, as_user) -> None:
    a = draw(world.participant_a, world.users["biobank"])
    body = as_user("biobank").get(f"/biobank/specimens/{a.pk}/label/").content.decode()
    assert "<svg" in body and a.barcode in body and "@media print" in body


def test_monitor_reads_but_does_not_handle(world, as_user) -> None:
    a = draw(world.participant_a, world.users["biobank"])
    client = as_user("monitor_a")
    assert client.get(f"/biobank/specimens/{a.pk}/").status_code == 200
    response = client.post(
        f"/biobank/specimens/{a.pk}/",
        {"action": "checkout", "checkout-out_reason": "use"},
    )
    assert response.status_code == 403
    assert as_user("stat").get("/biobank/").status_code == 403


def test_storage_is_built_through_the_pages(world, as_user) -> None:
    client = as_user("biobank")
    response = client.post(
        "/biobank/storage/",
        {
            "action": "freezer",
            "freezer-site": world.site_a.pk,
            "freezer-name": "F1",
            "freezer-temperature_c": "4",
        },
    )
    assert "A storage freezer runs at −20 °C or colder." in response.content.decode()
    response = client.post(
        "/biobank/storage/",
        {
            "action": "freezer",
            "freezer-site": world.site_a.pk,
            "freezer-name": "F1",
            "freezer-temperature_c": "-80",
        },
    )
    assert response.status_code == 302
    from oncotrial.biobank.models import Freezer

    assert Freezer.objects.get().name == "F1"
