"""Shipment manifests (CSV and PDF) list the shipment's specimens; receipt is confirmed."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from tests.biobank.conftest import draw, set_consent

from oncotrial.audit.services import save_record
from oncotrial.biobank import services
from oncotrial.biobank.models import Shipment, Specimen


def pdf_text(data: bytes) -> list[str]:
    """The text lines of an uncompressed matplotlib PDF (Type 3 fonts, TJ arrays)."""
    assert data.startswith(b"%PDF")
    return [
        "".join(
            part.decode("latin-1").replace("\\(", "(").replace("\\)", ")")
            for part in re.findall(rb"\(((?:\\.|[^\\)])*)\)", block)
        )
        for block in re.findall(rb"\[(.*?)\]\s*TJ", data, re.S)
    ]


def test_manifest_lists_every_specimen_of_the_shipment(world, box_a, as_user) -> None:
    tech = world.users["biobank"]
    set_consent(world.consent_a, tech, proteomics=True)
    blood = draw(world.participant_a, tech)
    plasma = services.derive_aliquots(
        blood, specimen_type="plasma", count=3, quantity=Decimal("1.5"), unit="mL", actor=tech
    )
    services.check_in(plasma[0], box_a, 1, 1, tech)
    shipment = Shipment(
        site=world.site_a, destination="Central proteomics lab", assay="proteomics", created_by=tech
    )
    save_record(shipment, actor=tech)
    client = as_user("biobank")
    url = f"/biobank/shipments/{shipment.pk}/"
    for aliquot in plasma[:2]:
        assert (
            client.post(url, {"action": "add", "add-barcode": aliquot.barcode.lower()}).status_code
            == 302
        )
    # The same specimen twice, or an unknown code: refused, the code kept.
    body = client.post(url, {"action": "add", "add-barcode": plasma[0].barcode}).content.decode()
    assert "is already on a shipment" in body and f'value="{plasma[0].barcode}"' in body
    assert client.post(url, {"action": "dispatch"}).status_code == 302
    assert services.current_placement(Specimen.objects.get(pk=plasma[0].pk)) is None

    rows = list(csv.DictReader(io.StringIO(client.get(f"{url}manifest.csv").content.decode())))
    assert [r["barcode"] for r in rows] == [plasma[0].barcode, plasma[1].barcode]
    assert rows[0] == {
        "barcode": "ESO-AAA1-0001-002",
        "parent_barcode": "ESO-AAA1-0001-001",
        "participant": "AAA1-0001",
        "specimen_type": "plasma",
        "time_point": "baseline",
        "collected_at_utc": "2024-02-12T09:30Z",
        "quantity": "1.5",
        "unit": "mL",
        "freeze_thaw_cycles": "0",
    }

    response = client.get(f"{url}manifest.pdf")
    assert response["Content-Type"] == "application/pdf"
    lines = pdf_text(response.content)
    assert any("Shipment manifest SHP-" in line for line in lines)
    listed = [line.split()[0] for line in lines if line.startswith("ESO-")]
    assert listed == [plasma[0].barcode, plasma[1].barcode]
    assert plasma[2].barcode not in response.content.decode("latin-1")

    # Receipt confirmation, audited.
    response = client.post(
        url,
        {
            "action": "receipt",
            "receipt-received_at": "2099-01-01T10:00",
            "receipt-received_by_name": "Dr Lab",
        },
    )
    assert "Receipt cannot be in the future." in response.content.decode()
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    now = timezone.now().astimezone(ZoneInfo(world.site_a.time_zone))
    response = client.post(
        url,
        {
            "action": "receipt",
            "receipt-received_at": now.strftime("%Y-%m-%dT%H:%M"),
            "receipt-received_by_name": "Dr Lab",
            "receipt-receipt_note": "on dry ice, intact",
        },
    )
    shipment.refresh_from_db()
    assert response.status_code == 302
    assert (shipment.received_by_name, shipment.receipt_note) == ("Dr Lab", "on dry ice, intact")
