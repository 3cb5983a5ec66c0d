"""Reading the consent state of a participant."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet

from oncotrial.consent.models import Consent, Withdrawal
from oncotrial.participants.models import Participant


def _valid_consents(participant: Participant) -> QuerySet[Consent]:
    """The participant's consents not voided, latest first."""
    return Consent.objects.filter(participant=participant, voided_at__isnull=True).order_by(
        "-signed_at"
    )


def current_consent(participant: Participant) -> Consent | None:
    """The latest valid consent, or None (never consented, or voided)."""
    return _valid_consents(participant).prefetch_related("withdrawals").first()


def is_consented(participant: Participant) -> bool:
    """Consented and not withdrawn from study treatment (what I7 asks): the
    latest valid consent has no valid withdrawal (one query; allocation asks
    this on every request)."""
    withdrawn = Withdrawal.objects.filter(consent=OuterRef("pk"), voided_at__isnull=True)
    latest = _valid_consents(participant).values_list(Exists(withdrawn), flat=True).first()
    return latest is not None and not latest


def consent_date(participant: Participant, time_zone: str) -> dt.date | None:
    from zoneinfo import ZoneInfo

    consent = current_consent(participant)
    return consent.signed_at.astimezone(ZoneInfo(time_zone)).date() if consent else None
