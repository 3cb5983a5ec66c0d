"""A participant ready for allocation: consented, screened eligible, signed."""

from __future__ import annotations

from typing import Any

import pytest
from tests.conftest import make_ready


@pytest.fixture
def ready(world) -> Any:
    """Participant A, ready for allocation; the site team has e-mail addresses."""
    for name in ["coord_a", "inv_a"]:
        user = world.users[name]
        user.email = f"{name}@alpha.example"
        user.save(update_fields=["email"])
    make_ready(world.participant_a, world.screening_a, world.users["coord_a"], world.users["inv_a"])
    return world.participant_a
