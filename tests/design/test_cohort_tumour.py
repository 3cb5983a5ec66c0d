"""Tumour assessments: RECIST lesion selection, and measurements the engines read as intended.

The 5 x 1,000 agreement check is in test_cohort_seeds_1_to_5.py; here the
hard cases are built on purpose (a single 15 mm node in partial response,
normal-sized nodes in complete response with unassessed targets,
non-target disease only) and run many times through the engines.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import numpy as np
import pytest

from oncotrial.clinical.recist import NewLesions, SelectionError, evaluate_recist
from oncotrial.clinical.recist_lesions import Lesion, Role, check_baseline, organ_group
from oncotrial.design.cohort import Cohort, default_scenario, generate_cohort
from oncotrial.design.cohort.scans import Scan
from oncotrial.design.cohort.tumour import (
    Trajectory,
    plan_course,
    response_settings,
    with_responses,
)

SETTINGS = response_settings(generate_cohort(None, 1, 1).protocol)
BASELINE = dt.date(2025, 1, 6)


@pytest.fixture(scope="module")
def cohort() -> Cohort:
    return generate_cohort(default_scenario(), 200, 11)


def test_baseline_selection_follows_recist(cohort: Cohort) -> None:
    for journey in cohort.participants:
        course = journey.tumour
        assert course is not None
        if journey.screening.induction.response == "CR":
            continue  # no disease left after induction: see the next test
        baseline = course.assessments[0].target
        assert check_baseline(course.lesions, baseline, SETTINGS) == []
        targets = [lesion for lesion in course.lesions if lesion.role is Role.TARGET]
        per_organ = Counter(organ_group(t.organ, t.nodal) for t in targets)
        assert len(targets) <= 5 and max(per_organ.values(), default=0) <= 2
        planned = any(lesion.planned_irradiation for lesion in course.lesions)
        assert not planned or journey.arm == "consolidation"


def test_no_disease_after_induction_is_followed_for_new_lesions(cohort: Cohort) -> None:
    """A complete response to induction leaves no lesion at the enrolment baseline
    (protocol: RECIST baseline = enrolment scan). The engine refuses such a baseline
    unless the reader declares no evidence of disease; declared, every scan is NED
    until a new lesion makes it PD (rules §2.6, §2.9), so these participants count
    for PFS and appear in RS like everyone else."""
    rs = cohort.tables()["RS"]
    found = progressed = 0
    for journey in cohort.participants:
        course = journey.tumour
        assert course is not None
        if journey.screening.induction.response != "CR":
            continue
        found += 1
        assert not any(x.role in (Role.TARGET, Role.NON_TARGET) for x in course.lesions)
        with pytest.raises(SelectionError) as refused:
            evaluate_recist(course.lesions, course.assessments, SETTINGS)
        assert [v.code for v in refused.value.violations] == ["no_baseline_disease"]
        assert course.recist is not None and course.irecist is not None
        overall = [str(t.overall) for t in course.recist.timepoints[1:]]
        assert set(overall) <= {"NED", "PD"}
        assert str(course.recist.best_overall_response) in ("NED", "PD", "NE")
        assert course.recist.progression_date == course.intended_progression_date
        assert journey.usubjid in set(rs["USUBJID"])
        if course.intended_progression_date is not None:
            progressed += 1
            shown = [a for a in course.assessments if a.new_lesions is NewLesions.UNEQUIVOCAL]
            assert shown[0].date == course.intended_progression_date
            assert "PD" in overall
    assert found > 0 and progressed > 0


def test_equivocal_new_lesions_date_progression_back(cohort: Cohort) -> None:
    backdated = 0
    for journey in cohort.participants:
        course = journey.tumour
        assert course is not None
        if course.recist is None:
            continue
        equivocal = [a.date for a in course.assessments if a.new_lesions is NewLesions.EQUIVOCAL]
        if equivocal:
            backdated += 1
            assert course.recist.progression_date == equivocal[0]
            assert course.irecist is not None
            assert course.irecist.progression_date == equivocal[0]
    assert backdated > 0


def test_confirmation_scans_give_icpd_at_the_iupd_date(cohort: Cohort) -> None:
    confirmed = 0
    for journey in cohort.participants:
        course = journey.tumour
        assert course is not None
        if course.irecist is None or "UNSCHEDULED" not in course.visits:
            continue
        confirmed += 1
        assert str(course.irecist.timepoints[-1].overall) == "iCPD"
        assert course.irecist.progression_date == course.recist.progression_date  # type: ignore[union-attr]
        assert str(course.irecist.best_overall_response) != "iUPD"
    assert confirmed > 0


def test_tr_rows_hold_the_measurements(cohort: Cohort) -> None:
    tr = cohort.tables()["TR"]
    for journey in cohort.participants[:50]:
        course = journey.tumour
        assert course is not None
        rows = tr[(journey.usubjid == tr.USUBJID) & (tr.TRROLE == "target")]
        expected = [
            (lesion_id, float(reading.mm) if reading is not None else None)
            for assessment in course.assessments
            for lesion_id, reading in assessment.target.items()
        ]
        got = [
            (row.TRLNKID, None if np.isnan(row.TRSTRESN) else row.TRSTRESN)
            for row in rows.itertuples()
        ]
        assert sorted(got, key=str) == sorted(expected, key=str)


# ---------------------------------------------------------------- built cases


def _scans(count: int) -> list[Scan]:
    return [Scan(f"TA{i}", BASELINE + dt.timedelta(days=42 * i)) for i in range(1, count + 1)]


CASES = {
    "one 15 mm node, partial response": (
        (Lesion("T1", Role.TARGET, "supraclavicular lymph node", nodal=True),),
        {"T1": 15},
        "PR",
    ),
    "two nodes and a liver lesion, complete response, scans not all read": (
        (
            Lesion("T1", Role.TARGET, "mediastinal lymph node", nodal=True),
            Lesion("T2", Role.TARGET, "supraclavicular lymph node", nodal=True),
            Lesion("T3", Role.TARGET, "liver"),
            Lesion("NT1", Role.NON_TARGET, "bone"),
        ),
        {"T1": 16, "T2": 22, "T3": 12},
        "CR",
    ),
    "liver and oesophagus, stable": (
        (Lesion("T1", Role.TARGET, "liver"), Lesion("T2", Role.TARGET, "oesophagus")),
        {"T1": 10, "T2": 11},
        "SD",
    ),
    "non-target disease only": ((Lesion("NT1", Role.NON_TARGET, "bone"),), {}, "CR"),
}


def _feasible() -> list[tuple[str, str]]:
    """(case, progression mode) pairs the case's disease can show."""
    pairs = []
    for case, (lesions, _, _) in CASES.items():
        roles = {lesion.role for lesion in lesions}
        for mode, needs in (
            ("target", Role.TARGET),
            ("new_lesion", None),
            ("non_target", Role.NON_TARGET),
        ):
            if needs is None or needs in roles:
                pairs.append((case, mode))
    return pairs


@pytest.mark.parametrize(("case", "mode"), _feasible())
def test_built_courses_read_as_intended(case: str, mode: str) -> None:
    lesions, base, depth = CASES[case]
    for seed in range(40):
        rng = np.random.default_rng(seed)
        first = int(rng.integers(0, 2))
        path = Trajectory(depth, first, mode, bool(seed % 3 == 0), bool(seed % 2), 42)
        scans = _scans(10)
        progression = scans[4 + seed % 5].date - dt.timedelta(days=10) if seed % 4 else None
        end = scans[-1].date + dt.timedelta(days=1)
        course = plan_course(rng, lesions, base, path, BASELINE, scans, progression, end, 0.3)
        course = with_responses(course, SETTINGS)
        assert course.recist is not None and course.irecist is not None
        got = tuple(str(t.overall) for t in course.recist.timepoints[1:])
        assert got == course.intended, (case, seed)
        got_i = tuple(str(t.overall) for t in course.irecist.timepoints[1:])
        assert got_i == course.intended_irecist, (case, seed)
        assert course.recist.progression_date == course.intended_progression_date
        assert course.irecist.progression_date == course.intended_progression_date


def test_a_shorter_observation_keeps_the_same_early_assessments() -> None:
    """Re-planned after an earlier death, a course repeats its assessments up to the death."""
    lesions, base, _ = CASES["two nodes and a liver lesion, complete response, scans not all read"]
    path = Trajectory("CR", 0, "target", False, True, 42)
    scans = _scans(10)
    long = plan_course(
        np.random.default_rng(5),
        lesions,
        base,
        path,
        BASELINE,
        scans,
        None,
        scans[-1].date + dt.timedelta(days=1),
        0.2,
    )
    short = plan_course(
        np.random.default_rng(5), lesions, base, path, BASELINE, scans, None, scans[5].date, 0.2
    )
    assert short.assessments == long.assessments[: len(short.assessments)]
    assert len(short.assessments) == 6  # baseline and TA1-TA5
