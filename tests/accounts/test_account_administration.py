"""The trial administrator manages sites, accounts and roles in the application."""

from __future__ import annotations

from oncotrial.accounts.models import Membership, Site, User
from oncotrial.audit.models import AuditEvent


def test_administrator_creates_a_site_an_account_and_a_role(world, as_user) -> None:
    client = as_user("admin")
    response = client.post(
        "/accounts/sites/new/",
        {"code": "SH09", "name": "Shanghai centre", "time_zone": "Asia/Shanghai", "active": "on"},
    )
    assert response.status_code == 302
    site = Site.objects.get(code="SH09")
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "newcoord",
            "preferred_language": "zh-hans",
            "password1": "correct-horse-battery-77",
            "password2": "correct-horse-battery-77",
        },
    )
    user = User.objects.get(username="newcoord")
    assert response.status_code == 302 and user.check_password("correct-horse-battery-77")
    response = client.post(f"/accounts/users/{user.pk}/", {"role": "coordinator", "site": site.pk})
    assert response.status_code == 302
    assert Membership.objects.filter(user=user, role="coordinator", site=site, active=True).exists()
    assert AuditEvent.objects.filter(
        record_type="accounts.membership", action="create", actor=world.admin
    ).exists()
    assert AuditEvent.objects.filter(record_type="accounts.user", record_id=str(user.pk)).exists()


def test_a_site_role_needs_a_site_and_a_trial_wide_role_none(world, as_user) -> None:
    client = as_user("admin")
    user = world.users["stat"]
    body = client.post(
        f"/accounts/users/{user.pk}/", {"role": "coordinator", "site": ""}
    ).content.decode()
    assert "This role is held at one site" in body
    body = client.post(
        f"/accounts/users/{user.pk}/", {"role": "data_manager", "site": world.site_a.pk}
    ).content.decode()
    assert "This role is trial-wide" in body


def test_bad_site_code_and_time_zone_are_named(world, as_user) -> None:
    body = (
        as_user("admin")
        .post("/accounts/sites/new/", {"code": "x", "name": "X", "time_zone": "Mars/Olympus"})
        .content.decode()
    )
    assert 'id="id_code_error"' in body and 'id="id_time_zone_error"' in body


def test_editing_a_site_needs_a_reason(world, as_user) -> None:
    client = as_user("admin")
    data = {"code": "AAA1", "name": "Alpha renamed", "time_zone": "Asia/Shanghai", "active": "on"}
    response = client.post(f"/accounts/sites/{world.site_a.pk}/", data)
    assert 'id="id_reason_error"' in response.content.decode()
    assert Site.objects.get(pk=world.site_a.pk).name == "Alpha hospital"
    client.post(f"/accounts/sites/{world.site_a.pk}/", {**data, "reason": "Official name"})
    assert Site.objects.get(pk=world.site_a.pk).name == "Alpha renamed"


def test_disabling_an_account_is_audited_with_its_reason(world, as_user) -> None:
    client = as_user("admin")
    target = world.users["coord_b"]
    client.post(f"/accounts/users/{target.pk}/active/", {"reason": "Left the trial"})
    target.refresh_from_db()
    assert not target.is_active
    event = AuditEvent.objects.filter(record_type="accounts.user", record_id=str(target.pk)).last()
    assert event.changes == {"is_active": [True, False]} and event.reason == "Left the trial"
