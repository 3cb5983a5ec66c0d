"""The trial's waterfall and spider plots, from the stored measurements in scope."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from oncotrial.response import services
from oncotrial.response.models import Lesion


def test_waterfall_and_spider_show_the_best_change_of_allocated_participants(
    world, allocated, as_user
) -> None:
    allocated("salvage")
    actor = world.users["coord_a"]
    day0 = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    lesions = [
        Lesion(code="T1", role="target", organ="liver"),
        Lesion(code="T2", role="target", organ="lung"),
    ]
    services.record_baseline(
        world.participant_a,
        actor,
        lesions,
        services.Draft(day0 - dt.timedelta(days=3), {"T1": 30, "T2": 20}),
    )
    # Six weeks after allocation (written through the service, which unlike the form
    # does not refuse a date after today): 50 -> 35 mm is -30 %.
    follow_up = day0 + dt.timedelta(days=42)
    services.record_follow_up(
        world.participant_a, actor, services.Draft(follow_up, {"T1": 21, "T2": 14}, None, "none")
    )
    body = as_user("coord_a").get("/response/").content.decode()
    assert (
        '<div class="figure waterfall"><svg' in body and '<div class="figure spider"><svg' in body
    )
    assert "AAA1-0001" in body and ">-30.0<" in body
    # Another site's staff see no participant of this site.
    other = as_user("coord_b").get("/response/").content.decode()
    assert "AAA1-0001" not in other
