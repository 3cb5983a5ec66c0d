"""`oncotrial simulate_cohort --n N --seed S [--scenario FILE]`: load a synthetic cohort.

Generates N allocated participants (and their screen failures) with the
cohort generator and loads them through the application's services
(`oncotrial.web.cohort_loader`), with a progress bar on stderr. Prints the
records loaded per kind and every record the application refused; exits
with status 1 when any record was refused or disagrees with the generator.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oncotrial.design.cohort import Cohort, ScenarioError, generate_cohort
from oncotrial.web.cohort_loader import (
    DEMO_PASSWORD,
    BeyondPlannedEnrolment,
    LoadReport,
    ProgressBar,
    load_cohort,
)


def generate_and_load(
    scenario: str | None, n: int, seed: int, sites: Any, quiet: bool
) -> tuple[Cohort, LoadReport]:
    """Generate a cohort and load it, each step with a progress bar on stderr
    (none when `quiet`); what the generator or the loader refuses up front
    becomes a CommandError. The demo loads its cohort through this too."""
    bar = None if quiet else ProgressBar("generating", stream=sys.stderr)
    try:
        cohort = generate_cohort(scenario, n, seed, bar)
    except (ScenarioError, ValueError, OSError) as exc:
        raise CommandError(str(exc)) from exc
    if bar is not None:
        bar.finish()
    bar = None if quiet else ProgressBar("loading   ", stream=sys.stderr)
    try:
        report = load_cohort(cohort, sites=sites, progress=bar)
    except BeyondPlannedEnrolment as exc:
        raise CommandError(str(exc)) from exc
    if bar is not None:
        bar.finish()
    return cohort, report


class Command(BaseCommand):
    help = "Load a synthetic ESO-RT cohort through the application's services."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--n", type=int, required=True, help="Allocated participants.")
        parser.add_argument("--seed", type=int, required=True, help="Random seed.")
        parser.add_argument("--scenario", help="Scenario file (TOML); the default otherwise.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        cohort, report = generate_and_load(
            options["scenario"], options["n"], options["seed"], None, options["no_progress"]
        )
        self.stdout.write(
            f"Cohort seed {cohort.seed}: {len(cohort.journeys)} screened candidates, "
            f"{len(cohort.participants)} allocated; loaded in {report.seconds:.1f} s."
        )
        if report.shift_days:
            self.stdout.write(
                f"Dates shifted back {report.shift_days} days so the cohort ends before today."
            )
        if report.arms_resimulated:
            self.stdout.write(
                f"{report.arms_resimulated} randomized participants got another arm from the "
                "application's allocator; their course was simulated again for that arm."
            )
        self.stdout.write("Records loaded:")
        for kind, count in sorted(report.counts.items()):
            self.stdout.write(f"  {kind:<24} {count}")
        self.stdout.write(f"Rejected records: {len(report.rejections)}")
        for r in report.rejections:
            self.stdout.write(f"  {r.participant} {r.record}: {r.message}")
        if report.mismatches:
            self.stdout.write(f"Disagreements with the generator: {len(report.mismatches)}")
            for r in report.mismatches:
                self.stdout.write(f"  {r.participant} {r.record}: {r.message}")
        self.stdout.write(
            "Site staff: coordinator-<site> and investigator-<site>, password " + DEMO_PASSWORD
        )
        if not report.ok:
            raise CommandError(
                f"{len(report.rejections)} records refused, {len(report.mismatches)} disagreements",
                returncode=1,
            )
