"""Freeze–thaw counting: the first check-in freezes, each later check-in counts a thaw."""

from __future__ import annotations

import pytest
from tests.biobank.conftest import draw

from oncotrial.biobank import services
from oncotrial.biobank.models import Specimen


def test_each_check_in_after_a_check_out_counts_one_thaw(world, box_a) -> None:
    tech = world.users["biobank"]
    blood = draw(world.participant_a, tech, kind="plasma")
    services.check_in(blood, box_a, 1, 1, tech)
    assert Specimen.objects.get(pk=blood.pk).freeze_thaw_count == 0
    for expected in (1, 2):
        services.check_out(blood, "use", tech)
        services.check_in(blood, box_a, 2, expected, tech)
        assert Specimen.objects.get(pk=blood.pk).freeze_thaw_count == expected
    with pytest.raises(services.BiobankRefused, match="already checked in"):
        services.check_in(blood, box_a, 3, 3, tech)
    # A refused check-in counts nothing.
    assert Specimen.objects.get(pk=blood.pk).freeze_thaw_count == 2


def test_bad_positions_are_refused_with_the_field_named(world, box_a, as_user) -> None:
    blood = draw(world.participant_a, world.users["biobank"])
    client = as_user("biobank")
    url = f"/biobank/specimens/{blood.pk}/"
    for typed, message in [
        ("Z1", "The box has rows A to I."),
        ("11", "row letter"),
        ("A10", "columns 1 to 9"),
    ]:
        response = client.post(
            url, {"action": "checkin", "checkin-box": box_a.pk, "checkin-position": typed}
        )
        body = response.content.decode()
        assert response.status_code == 200 and message in body, typed
        assert 'id="id_checkin-position_error"' in body and f'value="{typed}"' in body
