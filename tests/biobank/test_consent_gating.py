"""No collection, shipment or release for what the participant has not consented to."""

from __future__ import annotations

import pytest
from tests.biobank.conftest import draw, set_consent

from oncotrial.audit.services import save_record
from oncotrial.biobank import services
from oncotrial.biobank.models import Shipment, Specimen


@pytest.mark.parametrize(
    ("kind", "consent", "label"),
    [
        ("ffpe_block", "tissue", "Tissue samples"),
        ("whole_blood", "blood", "Blood samples"),
        ("urine", "urine", "Urine samples"),
    ],
)
def test_collection_needs_consent_to_the_material(world, kind, consent, label) -> None:
    tech = world.users["biobank"]
    set_consent(
        world.consent_a, tech, **{"tissue": True, "blood": True, "urine": True, consent: False}
    )
    with pytest.raises(services.BiobankRefused) as refused:
        draw(world.participant_a, tech, kind=kind)
    assert refused.value.field == "specimen_type"
    assert label in str(refused.value)
    assert not Specimen.objects.exists()
    set_consent(world.consent_a, tech, **{consent: True})
    assert draw(world.participant_a, tech, kind=kind).barcode.endswith("-001")


def _shipment(world, assay: str) -> Shipment:
    shipment = Shipment(
        site=world.site_a, destination="Central lab", assay=assay, created_by=world.users["biobank"]
    )
    save_record(shipment, actor=world.users["biobank"])
    return shipment


@pytest.mark.parametrize(
    ("assay", "label"),
    [
        ("wes", "Whole exome sequencing"),
        ("proteomics", "Proteomics"),
        ("future_research", "Future research"),
    ],
)
def test_shipment_needs_consent_to_the_assay(world, assay, label) -> None:
    tech = world.users["biobank"]
    blood = draw(world.participant_a, tech)
    shipment = _shipment(world, assay)
    with pytest.raises(services.BiobankRefused) as refused:
        services.add_to_shipment(shipment, blood, tech)
    assert refused.value.field == "barcode" and label in str(refused.value)
    set_consent(world.consent_a, tech, **{assay: True})
    services.add_to_shipment(shipment, blood, tech)
    # Consent withdrawn for the material before dispatch: the dispatch is refused.
    set_consent(world.consent_a, tech, blood=False)
    with pytest.raises(services.BiobankRefused, match="Blood samples"):
        services.dispatch(shipment, tech)


def test_the_page_names_the_missing_consent(world, as_user) -> None:
    response = as_user("coord_a").post(
        f"/biobank/participants/{world.participant_a.pk}/",
        {
            "specimen_type": "urine",
            "timepoint": "baseline",
            "collected_at": "2024-02-12T09:30",
            "processing_minutes": "30",
            "quantity": "20",
            "unit": "mL",
            "collected_by": world.users["coord_a"].pk,
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "The participant has not consented to: Urine samples." in body
    # Nothing typed is lost.
    assert 'value="20"' in body and 'value="2024-02-12T09:30"' in body
