"""Signing in: lockout after repeated failures, strong passwords, idle timeout."""

from __future__ import annotations

from django.conf import settings
from tests.conftest import PASSWORD

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


def test_sessions_expire_when_idle() -> None:
    assert settings.SESSION_COOKIE_AGE == 1800 and settings.SESSION_SAVE_EVERY_REQUEST


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
