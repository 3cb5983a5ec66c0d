"""`oncotrial demo [--n N] [--seed S]`: a ready-to-use demonstration database.

Applies migrations, loads the protocol, creates one account per role, and
fills the trial with a synthetic ESO-RT cohort: the cohort generator
(`oncotrial.design.cohort`) draws the participants and
`oncotrial.web.cohort_loader` enters them through the application's own
services, exactly as `oncotrial simulate-cohort` does, so validation and the
audit trail apply and there is one way participants reach the demo. The
generator's sites (BJ01, BJ02, HB01, HN01, SD01, JS01) and their staff
(`coordinator-<site>`, `investigator-<site>`) come with the cohort.

Running it again adds nothing: when the database already holds participants
the cohort is not loaded again (the loader numbers participants from an
empty trial), the accounts are completed if need be, and the logins are
printed again.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from oncotrial.accounts import services as accounts
from oncotrial.accounts.models import Site, User
from oncotrial.accounts.roles import Role
from oncotrial.design.cohort import default_scenario
from oncotrial.participants.models import Participant
from oncotrial.trial.services import ensure_protocol_version
from oncotrial.web.cohort_loader import (
    DEMO_PASSWORD,
    LoadReport,
    ensure_sites_and_staff,
)
from oncotrial.web.management.commands.simulate_cohort import generate_and_load

# Half the 120 participants ESO-RT plans: every site gets participants in both
# arms and every kind of record, and the load takes well under a minute.
DEFAULT_PARTICIPANTS = 60
DEFAULT_SEED = 1
ROLE_SITE = "BJ01"  # the lead centre: where the site-bound role accounts work

# (user name, given name, family name, role, site code or None for trial-wide)
ACCOUNTS = [
    ("coordinator", "Li", "Na", Role.COORDINATOR, ROLE_SITE),
    ("investigator", "Wang", "Wei", Role.INVESTIGATOR, ROLE_SITE),
    ("monitor", "Zhang", "Min", Role.MONITOR, ROLE_SITE),
    ("datamanager", "Chen", "Jing", Role.DATA_MANAGER, None),
    ("statistician", "Liu", "Yang", Role.STATISTICIAN, None),
    ("biobank", "Zhao", "Lei", Role.BIOBANK, None),
    ("admin", "Sun", "Hui", Role.ADMINISTRATOR, None),
]


class Command(BaseCommand):
    help = "Create the demonstration database: one account per role and a synthetic cohort."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-migrate", action="store_true", help="Skip `migrate`.")
        parser.add_argument(
            "--n",
            type=int,
            default=DEFAULT_PARTICIPANTS,
            help=f"Allocated participants to generate (default {DEFAULT_PARTICIPANTS}).",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"Random seed (default {DEFAULT_SEED})."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["n"] < 1:
            raise CommandError("--n: at least 1 participant")
        if not options["no_migrate"]:
            call_command("migrate", verbosity=0)
        ensure_protocol_version()
        present = Participant.objects.count()
        if present:
            with transaction.atomic():
                self._accounts(self._staff())
            self.stdout.write(
                f"The database already holds {present} participants: "
                "the synthetic cohort is not loaded again."
            )
        else:
            # All or nothing: an interrupted or refused load leaves no half cohort
            # that a second run would then take for a finished demo.
            with transaction.atomic():
                staff = self._staff()
                self._accounts(staff)
                report = self._cohort(staff, options["n"], options["seed"], options["no_progress"])
                self._summary(report)
        self._logins()

    def _staff(self) -> dict[str, Any]:
        """The generator's sites with their coordinator and investigator (account services)."""
        admin = self._account(ACCOUNTS[-1], actor=None)
        scenario = default_scenario()
        return ensure_sites_and_staff({s.code: s.name for s in scenario.sites}, admin)

    def _accounts(self, staff: dict[str, Any]) -> None:
        sites = {code: site for code, (site, _, _) in staff.items()}
        admin = User.objects.get(username=ACCOUNTS[-1][0])
        for spec in ACCOUNTS:
            self._account(spec, actor=admin, sites=sites)

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

    def _cohort(self, staff: dict[str, Any], n: int, seed: int, quiet: bool) -> LoadReport:
        cohort, report = generate_and_load(None, n, seed, staff, quiet)
        self.stdout.write(
            f"Synthetic cohort (seed {seed}): {len(cohort.journeys)} screened candidates, "
            f"{len(cohort.participants)} allocated; loaded in {report.seconds:.0f} s."
        )
        return report

    def _summary(self, report: LoadReport) -> None:
        if report.shift_days:
            self.stdout.write(
                f"Dates shifted back {report.shift_days} days so the cohort ends before today."
            )
        if not report.ok:
            for r in [*report.rejections, *report.mismatches]:
                self.stderr.write(f"  {r.participant} {r.record}: {r.message}")
            raise CommandError(
                f"{len(report.rejections)} records refused, {len(report.mismatches)} "
                "disagreements with the generator; nothing was kept."
            )

    def _logins(self) -> None:
        # scripts/demo serves on ONCOTRIAL_ADDRESS (default 127.0.0.1:8000).
        address = os.environ.get("ONCOTRIAL_ADDRESS", "127.0.0.1:8000")
        self.stdout.write(self.style.SUCCESS(f"Demo ready. Sign in at http://{address} with:"))
        for username, _, _, role, site in ACCOUNTS:
            where = site or "all sites"
            self.stdout.write(f"  {username:<13} {DEMO_PASSWORD}   {role.label} ({where})")
        codes = ", ".join(Site.objects.order_by("code").values_list("code", flat=True))
        self.stdout.write(
            f"  Site staff: coordinator-<site> and investigator-<site> ({codes}), "
            f"password {DEMO_PASSWORD}"
        )
