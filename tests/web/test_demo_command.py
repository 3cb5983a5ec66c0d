"""`oncotrial demo` fills an empty database through the application's services."""

from __future__ import annotations

from django.core.management import call_command

from oncotrial.accounts.models import Membership, Site, User
from oncotrial.accounts.roles import Role
from oncotrial.audit.services import verify_chain
from oncotrial.participants.models import Participant


def test_demo_creates_three_sites_one_account_per_role_and_is_repeatable(db, capsys) -> None:
    call_command("demo", "--no-migrate")
    out = capsys.readouterr().out
    assert Site.objects.count() == 3
    held = set(Membership.objects.values_list("role", flat=True))
    assert held == {r.value for r in Role}
    for username in [
        "coordinator",
        "investigator",
        "monitor",
        "datamanager",
        "statistician",
        "biobank",
        "admin",
    ]:
        assert username in out
        assert User.objects.get(username=username).check_password("oncotrial-demo-2026")
    assert Participant.objects.count() == 9
    # Per site: one eligible, one screen failure (ECOG 2), one still screening.
    from oncotrial.screening.models import EligibilitySignature, Screening

    assert Screening.objects.filter(outcome="screen_failure", failed_criteria=["I3"]).count() == 3
    assert Screening.objects.filter(outcome="in_progress").count() == 6
    signed = EligibilitySignature.objects.get()
    assert signed.screening.participant.screening_number == "BJ01-0001"
    from oncotrial.randomization.models import Allocation

    allocation = Allocation.objects.get()
    assert allocation.participant == signed.screening.participant
    assert allocation.cohort == "randomized" and allocation.draw_index == 0
    assert verify_chain().ok

    call_command("demo", "--no-migrate")
    assert Site.objects.count() == 3 and Participant.objects.count() == 9
    assert Screening.objects.count() == 9
    assert User.objects.count() == 7
