"""`oncotrial demo` fills an empty database from the cohort generator, through the services."""

from __future__ import annotations

from django.core.management import call_command

from oncotrial.accounts.models import Membership, Site, User
from oncotrial.accounts.roles import Role
from oncotrial.audit.models import AuditEvent
from oncotrial.audit.services import verify_chain
from oncotrial.design.cohort import generate_cohort
from oncotrial.participants.models import Participant
from oncotrial.randomization.models import Allocation
from oncotrial.response.models import TumourAssessment
from oncotrial.screening.models import Screening

N, SEED = 6, 2
ROLE_ACCOUNTS = [
    "coordinator",
    "investigator",
    "monitor",
    "datamanager",
    "statistician",
    "biobank",
    "admin",
]


def test_demo_loads_the_generated_cohort_with_one_account_per_role(db, capsys) -> None:
    call_command("demo", "--no-migrate", "--no-progress", "--n", str(N), "--seed", str(SEED))
    out = capsys.readouterr().out
    cohort = generate_cohort(None, N, SEED)

    # the accounts people sign in with, one per role, all printed
    held = set(Membership.objects.values_list("role", flat=True))
    assert held == {r.value for r in Role}
    for username in ROLE_ACCOUNTS:
        assert f"  {username} " in out
        assert User.objects.get(username=username).check_password("oncotrial-demo-2026")
    assert "coordinator-<site>" in out

    # the generator's sites and participants, and nothing else
    assert set(Site.objects.values_list("code", flat=True)) == {
        s.code for s in cohort.scenario.sites
    }
    assert set(Participant.objects.values_list("screening_number", flat=True)) == {
        j.usubjid for j in cohort.journeys
    }
    assert Allocation.objects.count() == N
    assert Screening.objects.filter(outcome="screen_failure").count() == len(cohort.screen_failures)
    assert TumourAssessment.objects.exists()

    # entered through the services: every generated record has its audit event
    audited = set(AuditEvent.objects.values_list("record_type", flat=True))
    for kind in (
        "participants.participant",
        "screening.screening",
        "screening.eligibilitysignature",
        "randomization.allocation",
        "response.tumourassessment",
    ):
        assert kind in audited, kind
    participants = AuditEvent.objects.filter(
        record_type="participants.participant", action=AuditEvent.Action.CREATE
    )
    assert participants.count() == len(cohort.journeys)
    assert verify_chain().ok


def test_demo_run_again_adds_nothing_and_prints_the_logins(db, capsys) -> None:
    call_command("demo", "--no-migrate", "--no-progress", "--n", str(N), "--seed", str(SEED))
    counts = (User.objects.count(), Site.objects.count(), Participant.objects.count())
    events = AuditEvent.objects.count()
    capsys.readouterr()

    call_command("demo", "--no-migrate", "--no-progress", "--n", str(N), "--seed", str(SEED))
    out = capsys.readouterr().out
    assert (User.objects.count(), Site.objects.count(), Participant.objects.count()) == counts
    assert AuditEvent.objects.count() == events
    assert "not loaded again" in out
    assert all(f"  {username} " in out for username in ROLE_ACCOUNTS)
