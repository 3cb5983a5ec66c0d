"""A withdrawal for samples and data flags every specimen; its fate is then recorded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from tests.biobank.conftest import draw

from oncotrial.audit.services import save_record
from oncotrial.biobank import services
from oncotrial.biobank.models import Specimen
from oncotrial.consent.models import Withdrawal


def _withdraw(world, scope: str) -> Withdrawal:
    withdrawal = Withdrawal(
        consent=world.consent_a, withdrawn_on=dt.date(2024, 6, 1), scope=scope, reason="asked"
    )
    save_record(withdrawal, actor=world.users["coord_a"])
    return withdrawal


def test_samples_and_data_withdrawal_flags_every_specimen(world, box_a) -> None:
    tech = world.users["biobank"]
    blood = draw(world.participant_a, tech)
    aliquots = services.derive_aliquots(
        blood, specimen_type="plasma", count=2, quantity=Decimal("1"), unit="mL", actor=tech
    )
    services.check_in(aliquots[0], box_a, 1, 1, tech)
    other = draw(world.participant_b, tech)

    _withdraw(world, Withdrawal.Scope.FOLLOW_UP)
    assert not Specimen.objects.filter(flagged_for_destruction_at__isnull=False).exists()

    _withdraw(world, Withdrawal.Scope.SAMPLES_AND_DATA)
    flagged = set(Specimen.objects.filter(flagged_for_destruction_at__isnull=False))
    assert flagged == {blood, *aliquots}
    other.refresh_from_db()
    assert other.flagged_for_destruction_at is None

    # Nothing more is collected, aliquoted or shipped.
    with pytest.raises(services.BiobankRefused, match="withdrawn consent"):
        draw(world.participant_a, tech)
    with pytest.raises(services.BiobankRefused, match="flagged for destruction"):
        services.derive_aliquots(
            Specimen.objects.get(pk=blood.pk),
            specimen_type="plasma",
            count=1,
            quantity=Decimal("1"),
            unit="mL",
            actor=tech,
        )

    # The fate: retained needs a reason; destroyed takes it out of its box.
    stored = Specimen.objects.get(pk=aliquots[0].pk)
    with pytest.raises(services.BiobankRefused) as refused:
        services.record_fate(stored, "retained", "", tech)
    assert refused.value.field == "fate_reason"
    services.record_fate(stored, "destroyed", "", tech)
    assert services.current_placement(stored) is None
    services.record_fate(Specimen.objects.get(pk=aliquots[1].pk), "returned", "to the site", tech)
    services.record_fate(Specimen.objects.get(pk=blood.pk), "retained", "legal hold", tech)
    fates = dict(
        Specimen.objects.filter(participant=world.participant_a).values_list("barcode", "fate")
    )
    assert fates == {
        "ESO-AAA1-0001-001": "retained",
        "ESO-AAA1-0001-002": "destroyed",
        "ESO-AAA1-0001-003": "returned",
    }


def test_flagged_specimens_are_listed_for_the_technician(world, as_user) -> None:
    draw(world.participant_a, world.users["biobank"])
    _withdraw(world, Withdrawal.Scope.SAMPLES_AND_DATA)
    body = as_user("biobank").get("/biobank/").content.decode()
    assert "Flagged for destruction" in body and "ESO-AAA1-0001-001" in body
