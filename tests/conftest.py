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

from oncotrial.screening.examples import eligible_evidence

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
    screening_a: Any = None
    screening_b: Any = None
    consent_a: Any = None
    consent_b: Any = None


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
    w = World(site_a, site_b, users, participant_a, participant_b, memberships["coord_b"], admin)
    from oncotrial.screening.services import start_screening

    w.consent_a = record_consent(participant_a, users["coord_a"])
    w.consent_b = record_consent(participant_b, users["coord_b"])
    w.screening_a = start_screening(participant_a, users["coord_a"])
    w.screening_b = start_screening(participant_b, users["coord_b"])
    return w


def record_consent(participant: Any, actor: Any, when: str = "2024-01-20T10:00:00+08:00") -> Any:
    from oncotrial.audit.services import save_record
    from oncotrial.consent.models import Consent

    consent = Consent(
        participant=participant,
        document_version="1.0",
        language="zh",
        signed_at=dt.datetime.fromisoformat(when),
        obtained_by=actor,
        blood=True,
        tissue=True,
    )
    save_record(consent, actor=actor)
    return consent


# What a coordinator types for a candidate who meets every criterion (age 63,
# so the G8 answers are not needed): the screening form's POST data.
ELIGIBLE_EVIDENCE = eligible_evidence(dt.date(2024, 1, 25))


@pytest.fixture
def as_user(client: Any, world: World):
    """Sign the test client in as one of the world's users."""

    def sign_in(username: str) -> Any:
        client.force_login(world.users[username])
        return client

    return sign_in


def make_ready(participant: Any, screening: Any, coordinator: Any, investigator: Any) -> None:
    """Enter eligible evidence through the screening form and sign it."""
    from oncotrial.screening import services
    from oncotrial.screening.forms import ScreeningForm, form_data

    form = ScreeningForm(
        form_data(ELIGIBLE_EVIDENCE),
        instance=screening,
        site_time_zone=participant.site.time_zone,
        consent_date=services.participant_consent_date(participant),
    )
    assert form.is_valid(), form.errors
    services.save_evidence(form.instance, coordinator)
    services.sign(screening, investigator, PASSWORD)


@pytest.fixture
def allocated(world: World) -> Any:
    """Allocate participant A to a chosen arm (preference cohort, so the arm is known)."""
    import uuid

    from oncotrial.randomization.services import allocate

    def in_arm(arm: str) -> Any:
        make_ready(
            world.participant_a, world.screening_a, world.users["coord_a"], world.users["inv_a"]
        )
        return allocate(
            participant=world.participant_a,
            actor=world.users["inv_a"],
            cohort="preference",
            arm=arm,
            reason="test",
            idempotency_key=uuid.uuid4(),
        )

    return in_arm


@pytest.fixture
def small_trial(world: World, allocated: Any) -> Any:
    """One allocated participant with tumour assessments, an adverse event and follow-up;
    one screen failure."""
    from django.utils import timezone

    from oncotrial.audit.services import save_record
    from oncotrial.response import services as response
    from oncotrial.response.models import Lesion
    from oncotrial.safety.models import AdverseEvent
    from oncotrial.screening.services import close
    from oncotrial.treatment.models import FollowUp

    allocated("salvage")
    actor = world.users["inv_a"]
    day0 = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    lesions = [
        Lesion(code="T1", role="target", organ="liver"),
        Lesion(code="T2", role="target", organ="lung"),
    ]
    response.record_baseline(
        world.participant_a,
        actor,
        lesions,
        response.Draft(day0 - dt.timedelta(days=2), {"T1": 30, "T2": 20}),
    )
    response.record_follow_up(
        world.participant_a,
        actor,
        response.Draft(day0 + dt.timedelta(days=42), {"T1": 21, "T2": 14}, None, "none"),
    )
    save_record(
        AdverseEvent(
            participant=world.participant_a,
            term="Esophagitis",
            meddra_code="10015461",
            soc="Gastrointestinal disorders",
            grade=2,
            onset_on=day0,
            outcome="recovering",
        ),
        actor=actor,
    )
    save_record(
        FollowUp(participant=world.participant_a, contact_on=day0, status="alive"), actor=actor
    )
    # Participant B fails screening on ECOG.
    screening = world.screening_b
    screening.ecog = 3
    from oncotrial.screening.services import save_evidence

    save_evidence(screening, world.users["coord_b"])
    close(screening, world.users["coord_b"], "screen_failure", "")
    return world
