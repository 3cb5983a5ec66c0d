"""A participant ready for allocation: consented, screened eligible, signed."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import QueryDict
from tests.conftest import ELIGIBLE_EVIDENCE, PASSWORD


def make_ready(participant: Any, screening: Any, coordinator: Any, investigator: Any) -> None:
    from oncotrial.screening import services
    from oncotrial.screening.forms import ScreeningForm

    data = QueryDict(mutable=True)
    for key, value in ELIGIBLE_EVIDENCE.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    form = ScreeningForm(
        data,
        instance=screening,
        site_time_zone=participant.site.time_zone,
        consent_date=services.participant_consent_date(participant),
    )
    assert form.is_valid(), form.errors
    services.save_evidence(form.instance, coordinator)
    services.sign(screening, investigator, PASSWORD)


@pytest.fixture
def ready(world) -> Any:
    """Participant A, ready for allocation; the site team has e-mail addresses."""
    for name in ["coord_a", "inv_a"]:
        user = world.users[name]
        user.email = f"{name}@alpha.example"
        user.save(update_fields=["email"])
    make_ready(world.participant_a, world.screening_a, world.users["coord_a"], world.users["inv_a"])
    return world.participant_a
