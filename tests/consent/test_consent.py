"""Consent: versions from the protocol, optional consents, withdrawals, dates."""

from __future__ import annotations

import datetime as dt

from tests.conftest import record_consent

from oncotrial.audit.services import save_record, void_record
from oncotrial.consent.models import Consent, Withdrawal
from oncotrial.consent.services import is_consented


def _consent_data(**changes):
    data = {
        "document_version": "1.0",
        "language": "zh",
        "signed_at": "2024-01-21T09:30",
        "tissue": "on",
        "wes": "on",
    }
    return {**data, **changes}


def test_coordinator_records_a_consent_with_optional_parts(world, as_user) -> None:
    client = as_user("coord_a")
    data = _consent_data(obtained_by=world.users["inv_a"].pk)
    assert client.post(f"/consent/participants/{world.participant_a.pk}/", data).status_code == 302
    consent = Consent.objects.filter(participant=world.participant_a).latest("signed_at")
    assert consent.tissue and consent.wes and not consent.urine
    assert consent.obtained_by == world.users["inv_a"]
    # 09:30 in Beijing is 01:30 UTC.
    assert consent.signed_at.isoformat() == "2024-01-21T01:30:00+00:00"


def test_only_versions_of_the_protocol_and_staff_of_the_site(world, as_user) -> None:
    client = as_user("coord_a")
    body = client.post(
        f"/consent/participants/{world.participant_a.pk}/",
        _consent_data(document_version="9.9", obtained_by=world.users["coord_b"].pk),
    ).content.decode()
    assert 'id="id_document_version_error"' in body and 'id="id_obtained_by_error"' in body


def test_future_consent_and_consent_after_study_procedures_are_refused(world, as_user) -> None:
    client = as_user("coord_a")
    url = f"/consent/participants/{world.participant_a.pk}/"
    body = client.post(
        url, _consent_data(signed_at="2999-01-01T10:00", obtained_by=world.users["coord_a"].pk)
    ).content.decode()
    assert "cannot be signed in the future" in body
    from tests.conftest import ELIGIBLE_EVIDENCE

    client.post(f"/screening/{world.screening_a.pk}/", ELIGIBLE_EVIDENCE)
    body = client.post(
        url, _consent_data(signed_at="2024-01-28T10:00", obtained_by=world.users["coord_a"].pk)
    ).content.decode()
    assert "no study-specific procedure may precede consent" in body


def test_withdrawal_with_its_scope_and_dates(world, as_user) -> None:
    client = as_user("coord_a")
    url = f"/consent/{world.consent_a.pk}/withdraw/"
    body = client.post(url, {"withdrawn_on": "2024-01-01", "scope": "follow_up"}).content.decode()
    assert "cannot precede the consent" in body
    client.post(
        url,
        {"withdrawn_on": "2024-03-01", "scope": "samples_and_data", "reason": "No more samples"},
    )
    withdrawal = Withdrawal.objects.get(consent=world.consent_a)
    assert withdrawal.scope == "samples_and_data"
    page = client.get(f"/consent/participants/{world.participant_a.pk}/").content.decode()
    assert "Treatment, follow-up and the use of samples and data" in page


def test_monitor_reads_consent_but_cannot_record_one(world, as_user) -> None:
    client = as_user("monitor_a")
    page = client.get(f"/consent/participants/{world.participant_a.pk}/")
    assert page.status_code == 200 and "Record a consent" not in page.content.decode()
    assert client.post(f"/consent/{world.consent_a.pk}/withdraw/", {}).status_code == 404


def test_the_latest_valid_consent_without_a_valid_withdrawal_is_what_counts(world) -> None:
    participant, coordinator = world.participant_a, world.users["coord_a"]
    assert is_consented(participant)
    withdrawal = Withdrawal(
        consent=world.consent_a, withdrawn_on=dt.date(2024, 3, 1), scope="treatment"
    )
    save_record(withdrawal, actor=coordinator)
    assert not is_consented(participant)
    void_record(withdrawal, actor=coordinator, reason="Entered for the wrong participant")
    assert is_consented(participant)
    save_record(
        Withdrawal(consent=world.consent_a, withdrawn_on=dt.date(2024, 3, 2), scope="treatment"),
        actor=coordinator,
    )
    # A later consent (re-consent on a new document version) counts again.
    later = record_consent(participant, coordinator, when="2024-04-01T10:00:00+08:00")
    assert is_consented(participant)
    void_record(later, actor=coordinator, reason="Signed on the wrong form")
    assert not is_consented(participant)
