"""Registering and correcting a participant: numbering, bad input, reasons."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from oncotrial.participants.models import Participant


def _register(client, site, **overrides):
    data = {
        "site": site.pk,
        "date_of_birth": "1958-04-02",
        "sex": "F",
        "screening_date": "2024-03-01",
    }
    data.update(overrides)
    return client.post("/participants/new/", data)


def test_screening_numbers_count_per_site(world, as_user) -> None:
    client = as_user("coord_a")
    response = _register(client, world.site_a)
    assert response.status_code == 302
    newest = Participant.objects.filter(site=world.site_a).order_by("-sequence").first()
    assert newest.screening_number == "AAA1-0002" and newest.sequence == 2
    assert newest.protocol_version.version == "1.0"


def test_future_dates_are_refused_with_the_field_named(world, as_user) -> None:
    tomorrow = (timezone.now() + dt.timedelta(days=2)).date().isoformat()
    body = _register(as_user("coord_a"), world.site_a, screening_date=tomorrow).content.decode()
    assert 'id="id_screening_date_error"' in body and "cannot be in the future" in body
    assert Participant.objects.filter(site=world.site_a).count() == 1


def test_birth_after_screening_is_refused_and_the_entry_is_kept(world, as_user) -> None:
    body = _register(
        as_user("coord_a"), world.site_a, date_of_birth="2024-05-01", screening_date="2024-03-01"
    ).content.decode()
    assert "must be before the screening date" in body
    # What was typed comes back in the form: nothing entered is lost.
    assert 'value="2024-05-01"' in body and 'value="2024-03-01"' in body


def test_implausible_birth_year_and_unknown_sex(world, as_user) -> None:
    body = _register(
        as_user("coord_a"), world.site_a, date_of_birth="1850-01-01", sex="X"
    ).content.decode()
    assert 'id="id_date_of_birth_error"' in body and 'id="id_sex_error"' in body
    # A screen reader announces the message with the field: the input names its
    # error, and each error id stands once in the page.
    date_input = re.search(r'<input[^>]*name="date_of_birth"[^>]*>', body).group(0)
    assert 'aria-invalid="true"' in date_input
    assert 'aria-describedby="id_date_of_birth_error"' in date_input
    assert body.count('id="id_date_of_birth_error"') == 1


def test_a_correction_without_a_reason_is_refused(world, as_user, client) -> None:
    client = as_user("inv_a")
    p = world.participant_a
    data = {"date_of_birth": "1960-06-01", "sex": "M", "screening_date": "2024-02-01"}
    body = client.post(f"/participants/{p.pk}/edit/", data).content.decode()
    assert 'id="id_reason_error"' in body
    assert Participant.objects.get(pk=p.pk).date_of_birth == dt.date(1960, 5, 1)
    response = client.post(f"/participants/{p.pk}/edit/", {**data, "reason": "Source document"})
    assert response.status_code == 302
    assert Participant.objects.get(pk=p.pk).date_of_birth == dt.date(1960, 6, 1)
    client.force_login(world.users["monitor_a"])
    audit = client.get(f"/participants/{p.pk}/audit/").content.decode()
    assert "Source document" in audit and "1960-05-01" in audit and "1960-06-01" in audit


def test_voided_participants_stay_listed_as_voided(world, as_user) -> None:
    client = as_user("inv_a")
    p = world.participant_a
    client.post(f"/participants/{p.pk}/void/", {"reason": "Duplicate registration"})
    body = client.get("/participants/").content.decode()
    assert "AAA1-0001" in body and "voided" in body
    assert client.get(f"/participants/{p.pk}/edit/").status_code == 403
