"""`oncotrial demo`: a ready-to-use demonstration database.

Applies migrations, loads the protocol, and creates three sites, one account
per role and a few registered participants, all through the application's
own services, so validation and the audit trail apply. Running it again
changes nothing and prints the logins again.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from oncotrial.accounts import services as accounts
from oncotrial.accounts.models import Site, User
from oncotrial.accounts.roles import Role
from oncotrial.audit.services import save_record
from oncotrial.consent.models import Consent
from oncotrial.participants.models import Participant
from oncotrial.participants.services import register_participant
from oncotrial.screening import services as screening
from oncotrial.screening.examples import eligible_evidence
from oncotrial.screening.forms import ScreeningForm, form_data
from oncotrial.trial.services import ensure_protocol_version

DEMO_PASSWORD = "oncotrial-demo-2026"

SITES = [
    (
        "BJ01",
        "Cancer Hospital, Chinese Academy of Medical Sciences",
        "中国医学科学院肿瘤医院",
        "Beijing",
    ),
    ("BJ02", "Peking University Cancer Hospital", "北京大学肿瘤医院", "Beijing"),
    ("ZZ03", "Zhengzhou demonstration centre", "郑州示范中心", "Zhengzhou"),
]

# (user name, given name, family name, role, site code or None for trial-wide)
ACCOUNTS = [
    ("coordinator", "Li", "Na", Role.COORDINATOR, "BJ01"),
    ("investigator", "Wang", "Wei", Role.INVESTIGATOR, "BJ01"),
    ("monitor", "Zhang", "Min", Role.MONITOR, "BJ01"),
    ("datamanager", "Chen", "Jing", Role.DATA_MANAGER, None),
    ("statistician", "Liu", "Yang", Role.STATISTICIAN, None),
    ("biobank", "Zhao", "Lei", Role.BIOBANK, None),
    ("admin", "Sun", "Hui", Role.ADMINISTRATOR, None),
]

PARTICIPANTS_PER_SITE = 3


class Command(BaseCommand):
    help = "Create the demonstration database (sites, one account per role, participants)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-migrate", action="store_true", help="Skip `migrate`.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_migrate"]:
            call_command("migrate", verbosity=0)
        ensure_protocol_version()
        with transaction.atomic():
            admin = self._account(ACCOUNTS[-1], actor=None)
            sites = {
                code: self._site(code, name, name_zh, city, admin)
                for code, name, name_zh, city in SITES
            }
            users = {spec[0]: self._account(spec, actor=admin, sites=sites) for spec in ACCOUNTS}
            self._participants(sites, users["coordinator"])
            self._screenings(users["coordinator"], users["investigator"])
            self._allocations(users["investigator"])
        # scripts/demo serves on ONCOTRIAL_ADDRESS (default 127.0.0.1:8000).
        address = os.environ.get("ONCOTRIAL_ADDRESS", "127.0.0.1:8000")
        self.stdout.write(self.style.SUCCESS(f"Demo ready. Sign in at http://{address} with:"))
        for username, _, _, role, site in ACCOUNTS:
            where = site or "all sites"
            self.stdout.write(f"  {username:<13} {DEMO_PASSWORD}   {role.label} ({where})")

    def _site(self, code: str, name: str, name_zh: str, city: str, actor: User) -> Site:
        site = Site.objects.filter(code=code).first()
        if site is None:
            site = accounts.create_site(
                actor=actor, site=Site(code=code, name=name, name_zh=name_zh, city=city)
            )
        return site

    def _account(
        self, spec: tuple, actor: User | None, sites: dict[str, Site] | None = None
    ) -> User:
        username, given, family, role, site_code = spec
        user = User.objects.filter(username=username).first()
        if user is None:
            user = accounts.create_user(
                actor=actor,
                username=username,
                password=DEMO_PASSWORD,
                first_name=given,
                last_name=family,
            )
        site = sites[site_code] if sites and site_code else None
        if (
            sites is not None
            and not user.memberships.filter(role=role, site=site, active=True).exists()
        ):
            accounts.add_membership(actor=actor or user, user=user, role=role, site=site)
        return user

    def _participants(self, sites: dict[str, Site], actor: User) -> None:
        births = [dt.date(1958, 3, 14), dt.date(1966, 11, 2), dt.date(1949, 7, 30)]
        for offset, site in enumerate(sites.values()):
            have = Participant.objects.filter(site=site).count()
            for i in range(have, PARTICIPANTS_PER_SITE):
                register_participant(
                    site=site,
                    actor=actor,
                    date_of_birth=births[(i + offset) % len(births)],
                    sex="M" if (i + offset) % 3 else "F",
                    screening_date=dt.date(2024, 1, 8) + dt.timedelta(days=14 * i + offset),
                )

    def _screenings(self, coordinator: User, investigator: User) -> None:
        """Per site: the first candidate eligible (signed at BJ01), the second a
        screen failure (ECOG 2), the third still being screened."""
        from zoneinfo import ZoneInfo

        for participant in Participant.objects.select_related("site").filter(
            voided_at__isnull=True
        ):
            if participant.screenings.exists():
                continue
            rank = participant.sequence
            zone = ZoneInfo(participant.site.time_zone)
            if rank <= 2:
                consent = Consent(
                    participant=participant,
                    document_version="1.0",
                    language="zh",
                    signed_at=dt.datetime.combine(
                        participant.screening_date - dt.timedelta(days=2), dt.time(9), zone
                    ),
                    obtained_by=coordinator,
                    tissue=True,
                    blood=True,
                    urine=True,
                    wes=True,
                    proteomics=rank == 1,
                )
                save_record(consent, actor=coordinator)
            episode = screening.start_screening(participant, coordinator)
            if rank > 2:
                continue
            evidence = eligible_evidence(participant.screening_date, ecog=1 if rank == 1 else 2)
            form = ScreeningForm(
                form_data(evidence),
                instance=episode,
                site_time_zone=participant.site.time_zone,
                consent_date=screening.participant_consent_date(participant),
            )
            if not form.is_valid():
                raise RuntimeError(f"demo evidence refused: {form.errors.as_text()}")
            screening.save_evidence(form.instance, coordinator)
            if rank == 2:
                screening.close(episode, coordinator, "screen_failure", "")
            elif participant.site.code == "BJ01":
                screening.sign(episode, investigator, DEMO_PASSWORD)

    def _allocations(self, investigator: User) -> None:
        """Randomize every participant whose eligibility is signed."""
        import uuid

        from oncotrial.randomization import services as randomization

        randomization.ensure_scheme(investigator)
        for participant in Participant.objects.filter(
            allocation__isnull=True, voided_at__isnull=True
        ):
            if randomization.readiness(participant).ready:
                randomization.allocate(
                    participant=participant,
                    actor=investigator,
                    cohort="randomized",
                    idempotency_key=uuid.uuid4(),
                )
