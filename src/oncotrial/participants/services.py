"""Registering participants."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max

from oncotrial.accounts.models import Site
from oncotrial.audit.services import save_record
from oncotrial.participants.models import Participant
from oncotrial.trial.services import current_protocol_version


def register_participant(
    *, site: Site, actor: Any, date_of_birth: dt.date, sex: str, screening_date: dt.date
) -> Participant:
    """Register a candidate at `site` with the next screening number of that site."""
    version = current_protocol_version()
    with transaction.atomic():
        # Lock the site row so two registrations cannot take the same number;
        # the unique constraint stands behind the lock.
        locked = Site.objects.select_for_update().get(pk=site.pk)
        last = Participant.objects.filter(site=locked).aggregate(m=Max("sequence"))["m"] or 0
        participant = Participant(
            site=locked,
            sequence=last + 1,
            screening_number=f"{locked.code}-{last + 1:04d}",
            protocol_version=version,
            date_of_birth=date_of_birth,
            sex=sex,
            screening_date=screening_date,
        )
        save_record(participant, actor=actor)
    return participant
