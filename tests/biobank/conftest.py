"""Biobank fixtures: a freezer with a box at each site, and a blood draw."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest


def make_box(site: Any, actor: Any, name: str = "Box 1") -> Any:
    from oncotrial.audit.services import save_record
    from oncotrial.biobank.models import Box, Freezer, Rack

    freezer = Freezer(site=site, name=f"F-{site.code}", temperature_c=-80)
    save_record(freezer, actor=actor)
    rack = Rack(freezer=freezer, name="R1")
    save_record(rack, actor=actor)
    box = Box(rack=rack, name=name, rows=9, columns=9)
    save_record(box, actor=actor)
    return box


def draw(participant: Any, actor: Any, kind: str = "whole_blood", timepoint: str = "baseline"):
    from oncotrial.biobank import services
    from oncotrial.biobank.models import Specimen
    from oncotrial.trial.current import current_protocol

    specimen = Specimen(
        specimen_type=kind,
        timepoint=timepoint,
        collected_at=dt.datetime(2024, 2, 12, 9, 30, tzinfo=dt.UTC),
        processing_minutes=45,
        quantity=Decimal("10"),
        unit="mL",
        collected_by=actor,
    )
    return services.collect(specimen, participant, actor, current_protocol())


def set_consent(consent: Any, actor: Any, **parts: bool) -> None:
    from oncotrial.audit.services import save_record

    for name, value in parts.items():
        setattr(consent, name, value)
    save_record(consent, actor=actor, reason="consent parts for the test")


@pytest.fixture
def box_a(world) -> Any:
    return make_box(world.site_a, world.users["biobank"])
