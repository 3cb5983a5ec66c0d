"""Shared fixtures: two sites, one account per role, participants at each site.

Browser tests drive Debian's Chromium through Playwright (RECIPES.md).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Playwright's sync API runs an event loop in the test thread; Django's
# live_server tests need this or the ORM raises SynchronousOnlyOperation.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(request: pytest.FixtureRequest) -> None:
    # The production hasher is deliberately slow; tests create many accounts.
    # Pure-core tests may run without the Django plugin: leave them alone.
    if request.config.pluginmanager.hasplugin("django"):
        settings = request.getfixturevalue("settings")
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    site_a: Any
    site_b: Any
    users: dict[str, Any]
    participant_a: Any
    participant_b: Any
    membership_b: Any
    admin: Any


PASSWORD = "a-long-test-passphrase-2026"


@pytest.fixture
def world(db: Any) -> World:
    """Sites A and B; coordinator, investigator and monitor at A; a
    coordinator at B; trial-wide data manager, statistician, biobank and
    administrator; one participant at each site."""
    from oncotrial.accounts import services as accounts
    from oncotrial.accounts.models import Site
    from oncotrial.accounts.roles import Role
    from oncotrial.participants.services import register_participant

    admin = accounts.create_user(actor=None, username="admin", password=PASSWORD)
    accounts.add_membership(actor=admin, user=admin, role=Role.ADMINISTRATOR, site=None)
    site_a = accounts.create_site(actor=admin, site=Site(code="AAA1", name="Alpha hospital"))
    site_b = accounts.create_site(actor=admin, site=Site(code="BBB2", name="Beta hospital"))
    users = {"admin": admin}
    memberships = {}
    for username, role, site in [
        ("coord_a", Role.COORDINATOR, site_a),
        ("inv_a", Role.INVESTIGATOR, site_a),
        ("monitor_a", Role.MONITOR, site_a),
        ("coord_b", Role.COORDINATOR, site_b),
        ("dm", Role.DATA_MANAGER, None),
        ("stat", Role.STATISTICIAN, None),
        ("biobank", Role.BIOBANK, None),
    ]:
        user = accounts.create_user(actor=admin, username=username, password=PASSWORD)
        memberships[username] = accounts.add_membership(
            actor=admin, user=user, role=role, site=site
        )
        users[username] = user
    born, screened = dt.date(1960, 5, 1), dt.date(2024, 2, 1)
    participant_a = register_participant(
        site=site_a, actor=users["coord_a"], date_of_birth=born, sex="M", screening_date=screened
    )
    participant_b = register_participant(
        site=site_b, actor=users["coord_b"], date_of_birth=born, sex="F", screening_date=screened
    )
    return World(site_a, site_b, users, participant_a, participant_b, memberships["coord_b"], admin)


@pytest.fixture
def as_user(client: Any, world: World):
    """Sign the test client in as one of the world's users."""

    def sign_in(username: str) -> Any:
        client.force_login(world.users[username])
        return client

    return sign_in
