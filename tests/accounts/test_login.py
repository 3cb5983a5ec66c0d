"""Signing in: lockout after repeated failures, strong passwords, idle timeout."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from tests.conftest import PASSWORD

from oncotrial.accounts.idle import TOUCHED
from oncotrial.accounts.models import User


def _login(client, username: str, password: str, ip: str = "10.1.1.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_a_correct_password_signs_in_and_lands_on_home(world, client) -> None:
    response = _login(client, "coord_a", PASSWORD)
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").status_code == 200


def test_pages_need_a_signed_in_user(world, client) -> None:
    response = client.get("/participants/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_lockout_after_repeated_failures_on_username_and_address(world, client) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "coord_a", "wrong-password")
    locked = _login(client, "coord_a", PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    # A colleague behind the same hospital address is not locked out.
    assert _login(client, "inv_a", PASSWORD).status_code == 302


def _stored_expiry(client) -> dt.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_session_idle_for_longer_than_its_age_ends(world, client) -> None:
    assert settings.SESSION_COOKIE_AGE == 1800
    _login(client, "coord_a", PASSWORD)
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get("/participants/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_activity_moves_the_idle_timeout_on_at_most_once_a_refresh(world, client) -> None:
    _login(client, "coord_a", PASSWORD)
    client.get("/")  # the first signed-in request touches the session
    first = _stored_expiry(client)
    client.get("/")  # within the refresh interval: no session write
    assert _stored_expiry(client) == first
    # The last touch is older than the refresh interval: the next request
    # moves the expiry on to a full SESSION_COOKIE_AGE from now.
    session = client.session
    session[TOUCHED] -= settings.SESSION_REFRESH_SECONDS
    session.save()
    before = _stored_expiry(client)
    client.get("/")
    after = _stored_expiry(client)
    assert after > before
    age = (after - timezone.now()).total_seconds()
    assert settings.SESSION_COOKIE_AGE - 60 < age <= settings.SESSION_COOKIE_AGE


def test_an_anonymous_visit_creates_no_session(world, client) -> None:
    client.get("/accounts/login/")
    assert not Session.objects.exists()


def test_weak_passwords_are_refused_with_a_field_message(world, as_user) -> None:
    client = as_user("admin")
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "newcomer",
            "preferred_language": "en",
            "password1": "12345",
            "password2": "12345",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_password1_error"' in body and "too short" in body
    assert not User.objects.filter(username="newcomer").exists()
