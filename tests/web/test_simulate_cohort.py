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
from oncotrial.web.cohort_loader import BeyondPlannedEnrolment, load_cohort

N, SEED = 20, 1


@pytest.fixture
def cohort():
    return generate_cohort(None, N, SEED)


def test_command_loads_the_cohort_with_no_rejection(db, capsys) -> None:
    call_command("simulate_cohort", "--n", str(N), "--seed", str(SEED), "--no-progress")
    assert "Rejected records: 0" in capsys.readouterr().out


def test_every_domain_is_stored_and_the_audit_chain_verifies(db, cohort) -> None:
    report = load_cohort(cohort)
    assert report.rejections == []
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


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_no_record_is_refused_under_seeds_1_to_5(db, seed: int) -> None:
    """A few dozen candidates per seed through the application: nothing refused, and
    every journey's computed responses agree with the generator's engines. (The
    5 x 1,000 run of the same check is `oncotrial simulate-cohort --n 1000`.)"""
    cohort = generate_cohort(None, 15, seed)
    report = load_cohort(cohort)
    assert report.rejections == []
    assert report.mismatches == []
    assert Participant.objects.count() == len(cohort.journeys)


def test_a_participant_enrolled_in_complete_response_is_followed_for_new_lesions(db) -> None:
    """Induction CR leaves no lesion at the enrolment baseline: the baseline is stored as
    declared free of disease (no lesion), and each scan is NED until a new lesion is PD."""
    cohort = generate_cohort(None, 20, 1)
    in_cr = [j for j in cohort.participants if j.screening.induction.response == "CR"]
    assert in_cr
    report = load_cohort(cohort)
    assert report.rejections == [] and report.mismatches == []
    for journey in in_cr:
        participant = Participant.objects.get(screening_number=journey.usubjid)
        assert not participant.lesions.filter(role__in=["target", "non_target"]).exists()
        overall = [
            a.computed.get("overall")
            for a in TumourAssessment.objects.filter(participant=participant).order_by(
                "assessed_on"
            )
        ]
        assert len(overall) > 1  # the course may be simulated again for the stored arm
        assert overall[0] is None and set(overall[1:]) <= {"NED", "PD"}


def test_a_cohort_beyond_the_planned_enrolment_is_refused_before_anything_is_stored(db) -> None:
    """The allocation sequence is committed for the protocol's target enrolment (120):
    a larger in-silico trial needs a protocol planning it (ONCOTRIAL_PROTOCOL)."""
    with pytest.raises(BeyondPlannedEnrolment, match="plans 120 participants"):
        load_cohort(generate_cohort(None, 121, 1))
    assert not Participant.objects.exists()
