"""Collection gives a unique barcode; aliquots form a lineage tree; all audited."""

from __future__ import annotations

from decimal import Decimal

from tests.biobank.conftest import draw

from oncotrial.audit.models import AuditEvent
from oncotrial.biobank import services
from oncotrial.biobank.models import Specimen


def test_aliquots_of_aliquots_form_a_tree(world) -> None:
    tech = world.users["biobank"]
    blood = draw(world.participant_a, tech)
    assert blood.barcode == "ESO-AAA1-0001-001" and blood.collection_id == "blood_baseline"
    plasma = services.derive_aliquots(
        blood, specimen_type="plasma", count=2, quantity=Decimal("1.5"), unit="mL", actor=tech
    )
    assert [p.barcode for p in plasma] == ["ESO-AAA1-0001-002", "ESO-AAA1-0001-003"]
    (sub,) = services.derive_aliquots(
        plasma[0], specimen_type="plasma", count=1, quantity=Decimal("500"), unit="uL", actor=tech
    )
    assert services.lineage(sub) == [blood, plasma[0]]
    assert services.descendants(blood) == [(1, plasma[0]), (2, sub), (1, plasma[1])]
    assert all(p.timepoint == "baseline" and p.participant == world.participant_a for p in plasma)
    created = AuditEvent.objects.filter(record_type="biobank.specimen", action="create")
    assert created.count() == 4


def test_barcodes_are_counted_per_participant(world) -> None:
    a = draw(world.participant_a, world.users["biobank"])
    b = draw(world.participant_b, world.users["biobank"])
    assert (a.barcode, b.barcode) == ("ESO-AAA1-0001-001", "ESO-BBB2-0001-001")
    assert Specimen.objects.count() == 2


def test_lineage_shows_on_the_specimen_page(world, as_user) -> None:
    tech = world.users["biobank"]
    blood = draw(world.participant_a, tech)
    client = as_user("biobank")
    response = client.post(
        f"/biobank/specimens/{blood.pk}/",
        {
            "action": "aliquot",
            "aliquot-specimen_type": "plasma",
            "aliquot-count": "2",
            "aliquot-quantity": "1",
            "aliquot-unit": "mL",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/biobank/specimens/{blood.pk}/").content.decode()
    assert "ESO-AAA1-0001-002" in page and "ESO-AAA1-0001-003" in page
    child = Specimen.objects.get(barcode="ESO-AAA1-0001-003")
    page = client.get(f"/biobank/specimens/{child.pk}/").content.decode()
    assert "ESO-AAA1-0001-001" in page
