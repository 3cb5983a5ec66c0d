"""THE 5 x 1,000 CHECK (issue 9, "Done when"): seeds 1 to 5, 1,000 allocated participants each.

Every journey of the five default cohorts is checked against the platform's
own pure validation, recomputed here independently of the generator:

* the eligibility engine, re-run on each candidate's recorded evidence,
  finds allocated participants eligible and screen failures not eligible,
  for exactly the criteria and reasons recorded;
* RECIST 1.1 (every seed) and iRECIST (seed 1), re-run on the generated
  measurements, give the simulated time-point responses and progression
  dates, and the records hold the engines' results;
* CTCAE v5.0 defines every adverse event's term and grade;
* dates are in order (consent, screening procedures, eligibility,
  allocation, cycles, radiotherapy, progression, death);
* every tidy table passes `tidy.validate`.

The same five cohorts (5,000 participants, about 11,800 candidates) then
give the marginal rates, compared with the scenario's parameters within
four binomial (or exponential) standard errors. Generating them takes most
of this module's time (about 3 s per seed).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Iterator
from itertools import pairwise

import pytest

from oncotrial.analysis.tidy import DOMAINS, validate
from oncotrial.clinical import ctcae
from oncotrial.clinical.irecist import evaluate_irecist
from oncotrial.clinical.recist import evaluate_recist
from oncotrial.clinical.seriousness import SeriousnessCriterion, is_serious
from oncotrial.design.cohort import Cohort, Journey, default_scenario, generate_cohort
from oncotrial.design.cohort.scenario import DAYS_PER_MONTH
from oncotrial.design.cohort.tumour import response_settings
from oncotrial.protocol.eligibility import evaluate_eligibility

SEEDS = (1, 2, 3, 4, 5)
N = 1_000


@pytest.fixture(scope="module")
def cohorts() -> dict[int, Cohort]:
    scenario = default_scenario()
    return {seed: generate_cohort(scenario, N, seed) for seed in SEEDS}


def participants(cohorts: dict[int, Cohort]) -> Iterator[Journey]:
    for cohort in cohorts.values():
        yield from cohort.participants


def candidates(cohorts: dict[int, Cohort]) -> Iterator[Journey]:
    for cohort in cohorts.values():
        yield from cohort.journeys


def within(observed: int, total: int, expected: float, sds: float = 4.0) -> bool:
    """`observed` of `total` is within `sds` binomial standard errors of `expected`."""
    se = math.sqrt(expected * (1 - expected) / total)
    return abs(observed / total - expected) <= sds * se


# ---------------------------------------------------------------- validation


def test_each_seed_allocates_n_participants(cohorts: dict[int, Cohort]) -> None:
    for cohort in cohorts.values():
        assert len(cohort.participants) == N
        assert len(cohort.screen_failures) > 0
        numbers = [journey.usubjid for journey in cohort.journeys]
        assert len(set(numbers)) == len(numbers)


def test_eligibility_engine_agrees_with_every_screening(cohorts: dict[int, Cohort]) -> None:
    for cohort in cohorts.values():
        criteria = cohort.protocol.criteria
        for journey in cohort.journeys:
            screening = journey.screening
            result = evaluate_eligibility(criteria, screening.evidence)
            assert result.eligible is journey.allocated is screening.eligible, journey.usubjid
            barring = tuple(r.criterion_id for r in result.barring)
            assert screening.failed_criteria == barring
            assert screening.failure_reasons == tuple(
                " ".join(str(m) for m in r.reasons) for r in result.barring
            )
            if not journey.allocated:
                assert barring, journey.usubjid  # rejected by the engine, for a reason
                (disposition,) = journey.dispositions
                assert disposition.code == "SCREEN_FAILURE"
                assert all(f"{cid}:" in disposition.term for cid in barring)


def test_dates_are_in_order(cohorts: dict[int, Cohort]) -> None:
    scenario = default_scenario()
    cutoff = scenario.calendar.data_cutoff
    start = scenario.calendar.study_start
    for cohort in cohorts.values():
        sd_min = cohort.protocol.settings.recist.sd_min_days
        for journey in cohort.journeys:
            screening = journey.screening
            assert start <= screening.date <= screening.eligibility_date
            if screening.consent.given:
                assert screening.consent.date == screening.date
                assert all(screening.date <= d for d in screening.procedure_dates.values())
            assert all(d <= screening.eligibility_date for d in screening.procedure_dates.values())
            # history is dated no later than the visit it is taken at (the form refuses
            # a date after the day of entry)
            trials = screening.evidence.other_trials or ()
            ended = [t.end_date for t in trials if t.end_date]
            assert all(d <= screening.date for d in ended)
            if journey.allocation is None:
                continue
            _check_journey_dates(journey, cutoff, sd_min)


def _check_journey_dates(journey: Journey, cutoff: dt.date, sd_min: int) -> None:
    screening, allocation, outcome = journey.screening, journey.allocation, journey.outcome
    assert allocation is not None and outcome is not None and journey.tumour is not None
    day0 = allocation.date
    assert screening.eligibility_date <= day0 <= cutoff
    assert (day0 - screening.date).days <= 28  # baseline window (protocol BL)
    end = outcome.end_of_observation
    assert day0 <= end <= cutoff
    # tumour assessments
    dates = [a.date for a in journey.tumour.assessments]
    assert dates[0] == screening.procedure_dates["imaging"] < day0
    assert all(a < b for a, b in pairwise(dates))
    assert all(day0 < d < end for d in dates[1:])
    if len(dates) > 1:
        assert (dates[1] - dates[0]).days >= sd_min
    progression = journey.tumour.intended_progression_date
    # systemic therapy: one date per cycle, cycles consecutive, all before progression and end
    by_cycle: dict[int, set[dt.date]] = defaultdict(set)
    for dose in journey.doses:
        by_cycle[dose.cycle].add(dose.date)
    cycles = sorted(by_cycle)
    assert all(len(by_cycle[c]) == 1 for c in cycles)
    assert cycles == list(
        range(screening.induction.cycles + 1, screening.induction.cycles + 1 + len(cycles))
    )
    cycle_dates = [next(iter(by_cycle[c])) for c in cycles]
    assert all(a < b for a, b in pairwise(cycle_dates))
    assert all(day0 < d < end for d in cycle_dates)
    if progression is not None:
        assert all(d < progression for d in cycle_dates)
    chemo = [d.date for d in journey.doses if d.category == "chemotherapy"]
    # radiotherapy
    for course in journey.radiotherapy:
        assert day0 < course.start <= course.end < end
        assert course.start.weekday() < 5
        if course.intent == "consolidation":
            assert course.start > max(chemo, default=day0)  # after the last cycle
            assert progression is None or course.start < progression
        else:
            assert progression is not None and course.start > progression
        for target in course.targets:
            assert 0 < target.fractions <= target.planned_fractions
            assert (target.fractions == target.planned_fractions) or not course.completed
    # adverse events: treatment-emergent, before the end of observation
    first_dose = min(
        [d.date for d in journey.doses] + [c.start for c in journey.radiotherapy], default=None
    )
    for event in journey.adverse_events:
        assert first_dose is not None and first_dose <= event.start < end
        assert event.end is None or event.start <= event.end <= end
        if event.grade == 5:
            assert event.end == outcome.death_date == end
    # specimens after consent; those after allocation before the end of observation
    for specimen in journey.specimens:
        assert screening.consent.date is not None and screening.consent.date <= specimen.date
        if specimen.timepoint != "baseline":
            assert day0 <= specimen.date < end
        if specimen.timepoint == "progression":
            assert progression is not None and specimen.date >= progression
    # survival contacts and dispositions
    contact_dates = [c.date for c in journey.survival_contacts]
    assert contact_dates == sorted(contact_dates)
    assert all(d <= end for d in contact_dates)
    deaths = [c for c in journey.survival_contacts if c.status == "DEAD"]
    assert [c.date for c in deaths] == ([outcome.death_date] if outcome.death_date else [])
    disposition_dates = [d.date for d in journey.dispositions]
    assert disposition_dates == sorted(disposition_dates)
    assert journey.dispositions[0].code == "ALLOCATED"
    assert journey.dispositions[0].date == day0
    if outcome.death_date is not None:
        assert outcome.death_date == end
    if outcome.dropout_date is not None:
        assert outcome.dropout_date == end
    assert outcome.last_contact <= end


def test_adverse_events_use_ctcae_terms_and_grades(cohorts: dict[int, Cohort]) -> None:
    for journey in participants(cohorts):
        terms = [event.term for event in journey.adverse_events]
        assert len(terms) == len(set(terms))  # one record per term
        for event in journey.adverse_events:
            term = ctcae.term_by_name(event.term)  # raises for an unknown term
            assert term.name == event.term and term.soc == event.soc
            ctcae.validate_grade(term, event.grade)
            assert event.serious == is_serious(SeriousnessCriterion(c) for c in event.seriousness)
            assert set(event.attribution) == {"radiotherapy", "chemotherapy", "pd1"}
            for cause in event.causes:
                assert event.attribution[cause] in ("possible", "probable", "definite")


def test_recist_engines_reproduce_the_simulated_responses(cohorts: dict[int, Cohort]) -> None:
    """RECIST 1.1 is re-run for every participant of every seed; iRECIST, a supportive
    analysis (rules §3.6), for seed 1 (the records of the others hold what the generator's
    own run of it gave, compared with the simulated responses too)."""
    evaluated = 0
    for seed, cohort in cohorts.items():
        settings = response_settings(cohort.protocol)
        for journey in cohort.participants:
            course = journey.tumour
            assert course is not None
            assert course.recist is not None and course.irecist is not None
            # No disease left after induction (CR): declared at baseline, followed for new lesions.
            no_disease = not any(x.role.value in ("target", "non_target") for x in course.lesions)
            assert no_disease == (journey.screening.induction.response == "CR")
            recist = evaluate_recist(
                course.lesions, course.assessments, settings, no_disease=no_disease
            )
            assert tuple(str(t.overall) for t in recist.timepoints[1:]) == course.intended
            assert recist.progression_date == course.intended_progression_date
            # what the records hold is what the engine says
            assert recist.timepoints == course.recist.timepoints
            assert recist.best_overall_response == course.recist.best_overall_response
            irecist = (
                evaluate_irecist(
                    course.lesions, course.assessments, settings, no_disease=no_disease
                )
                if seed == SEEDS[0]
                else course.irecist
            )
            assert tuple(str(t.overall) for t in irecist.timepoints[1:]) == course.intended_irecist
            assert irecist.progression_date == course.intended_progression_date
            assert irecist.timepoints == course.irecist.timepoints
            evaluated += 1
    assert evaluated > 0.9 * len(SEEDS) * N


def test_progression_is_seen_at_the_first_scan_after_its_latent_time(
    cohorts: dict[int, Cohort],
) -> None:
    for journey in participants(cohorts):
        course, outcome, allocation = journey.tumour, journey.outcome, journey.allocation
        assert course is not None and outcome is not None and allocation is not None
        latent = outcome.progression_latent_days
        scans = [a.date for a in course.assessments[1:]]
        if course.intended_progression_date is None:
            # never progressed, or observation ended before a scan could show it
            if latent is not None:
                limit = allocation.date + dt.timedelta(days=math.floor(latent))
                assert all(d < limit for d in scans)
            continue
        assert latent is not None
        limit = allocation.date + dt.timedelta(days=math.floor(latent))
        before = [d for d in scans if d < course.intended_progression_date]
        assert all(d < limit for d in before)
        assert course.intended_progression_date >= limit


def test_every_tidy_table_passes_validate(cohorts: dict[int, Cohort]) -> None:
    for cohort in cohorts.values():
        tables = cohort.tables()
        assert set(tables) == set(DOMAINS)
        for domain, frame in tables.items():
            validate(domain, frame)
        assert len(tables["DM"]) == len(cohort.journeys)
        assert tables["DM"]["USUBJID"].is_unique
        assert len(tables["EX"]) == sum(len(j.doses) for j in cohort.journeys)
        assert len(tables["AE"]) == sum(len(j.adverse_events) for j in cohort.journeys)
        follow_ups = sum(
            len(j.tumour.assessments) - 1
            for j in cohort.participants
            if j.tumour is not None and j.tumour.recist is not None
        )
        overall = tables["RS"][tables["RS"]["RSTESTCD"] == "OVRLRESP"]
        assert (overall["RSCAT"] == "RECIST1.1").sum() == follow_ups
        assert set(tables["DM"].loc[tables["DM"]["ARMCD"] != "", "ARMCD"]) == {
            "consolidation",
            "salvage",
        }


# ---------------------------------------------------------------- marginal rates


def test_cohort_shares(cohorts: dict[int, Cohort]) -> None:
    shares = default_scenario().cohorts
    allocated = list(participants(cohorts))
    randomized = [j for j in allocated if j.cohort == "randomized"]
    preference = [j for j in allocated if j.cohort == "preference"]
    assert within(len(randomized), len(allocated), shares.randomized_share)
    chose = sum(j.arm == "consolidation" for j in preference)
    assert within(chose, len(preference), shares.preference_consolidation_share)
    for cohort in cohorts.values():
        arms = Counter(j.arm for j in cohort.participants if j.cohort == "randomized")
        # Minimization keeps the margins close (Pocock-Simon, p = 0.8).
        assert abs(arms["consolidation"] - arms["salvage"]) <= 10


def test_screening_rates(cohorts: dict[int, Cohort]) -> None:
    scenario = default_scenario()
    screened = list(candidates(cohorts))
    declined = sum(not j.screening.consent.given for j in screened)
    assert within(declined, len(screened), scenario.screening.consent_declined)
    male = sum(j.sex == "M" for j in screened)
    assert within(male, len(screened), scenario.demographics.male_share)
    consenting = [j for j in screened if j.screening.consent.given]
    responses = Counter(j.screening.evidence.induction_response.value for j in consenting)
    for response, share in scenario.screening.induction_response.items():
        assert within(responses[response], len(consenting), share), response
    for scope, share in scenario.consent.optional.items():
        agreed = sum(scope in j.screening.consent.optional for j in consenting)
        assert within(agreed, len(consenting), share), scope


def test_survival_rates(cohorts: dict[int, Cohort]) -> None:
    survival = default_scenario().survival
    by_arm: dict[str, list[float]] = defaultdict(list)
    deaths_first = 0
    dropouts: list[float] = []
    allocated = list(participants(cohorts))
    for journey in allocated:
        assert journey.outcome is not None
        by_arm[journey.arm].append(journey.outcome.pfs_latent_days)
        deaths_first += journey.outcome.progression_latent_days is None
        dropouts.append(journey.outcome.dropout_latent_days)
    control = math.log(2) / (survival.pfs_median_months * DAYS_PER_MONTH)
    expected = {"salvage": control, "consolidation": control * survival.pfs_hazard_ratio}
    for arm, times in by_arm.items():
        rate = len(times) / sum(times)  # exponential MLE, latent times are uncensored
        assert abs(rate - expected[arm]) <= 4 * expected[arm] / math.sqrt(len(times)), arm
    assert within(deaths_first, len(allocated), survival.death_without_progression_share)
    dropout = -math.log1p(-survival.dropout_per_year) / 365.25
    finite = [t for t in dropouts if math.isfinite(t)]
    assert abs(len(finite) / sum(finite) - dropout) <= 4 * dropout / math.sqrt(len(finite))


def test_adverse_event_rates(cohorts: dict[int, Cohort]) -> None:
    """Incidence and grades of terms with one cause, among participants observed until the
    end of the exposure's onset window (so no event could be cut off by the end)."""
    scenario = default_scenario()
    counts = Counter(spec.term for spec in scenario.safety.events)
    for spec in scenario.safety.events:
        if counts[spec.term] > 1 or spec.exposure == "pd1":
            continue  # merged terms and PD-1 (stopped early by immune events) are not clean
        exposed = 0
        grades: Counter[int] = Counter()
        for journey in participants(cohorts):
            window = _window(journey, spec.exposure)
            if window is None or (
                spec.regimens and journey.screening.induction.regimen not in spec.regimens
            ):
                continue
            assert journey.outcome is not None
            if journey.outcome.end_of_observation <= window[1] + dt.timedelta(days=spec.tail_days):
                continue
            exposed += 1
            grade = next((e.grade for e in journey.adverse_events if e.term == spec.term), None)
            if grade is not None:
                grades[grade] += 1
        assert exposed > 300, spec.term
        assert within(sum(grades.values()), exposed, spec.incidence), spec.term
        for grade, share in enumerate(spec.grades, start=1):
            if 0 < share < 1:
                assert within(grades[grade], sum(grades.values()), share), (spec.term, grade)


def _window(journey: Journey, exposure: str) -> tuple[dt.date, dt.date] | None:
    if exposure == "radiotherapy":
        dates = [d for c in journey.radiotherapy for d in (c.start, c.end)]
    else:
        dates = [d.date for d in journey.doses if d.category == exposure]
    return (min(dates), max(dates)) if dates else None


def test_radiotherapy_rates(cohorts: dict[int, Cohort]) -> None:
    settings = default_scenario().radiotherapy
    salvage_candidates = salvaged = 0
    consolidation_candidates = consolidated = 0
    planned_cycles = default_scenario().treatment.total_chemotherapy_cycles
    for journey in participants(cohorts):
        course, outcome = journey.tumour, journey.outcome
        assert course is not None and outcome is not None
        progression = course.intended_progression_date
        end = outcome.end_of_observation
        chemo = sorted({d.cycle: d.date for d in journey.doses if d.category == "chemotherapy"})
        intents = [c.intent for c in journey.radiotherapy]
        if (
            journey.arm == "consolidation"
            and len(chemo) == planned_cycles - journey.screening.induction.cycles
        ):
            last = max(d.date for d in journey.doses if d.category == "chemotherapy")
            margin = last + dt.timedelta(
                days=settings.consolidation_start_days_after_last_cycle.max + 3
            )
            if end > margin and (progression is None or progression > margin):
                consolidation_candidates += 1
                consolidated += intents == ["consolidation"]
        if progression is not None and "consolidation" not in intents:
            margin = progression + dt.timedelta(
                days=settings.salvage_start_days_after_progression.max + 3
            )
            if end > margin:
                salvage_candidates += 1
                salvaged += intents == ["salvage"]
    assert within(consolidated, consolidation_candidates, settings.consolidation_delivered_share)
    assert within(salvaged, salvage_candidates, settings.salvage_recommendation_share)


def test_best_response_depth_by_arm(cohorts: dict[int, Cohort]) -> None:
    """Among participants with targets and three or more scans before progression, the
    engine's best response is CR or PR at the scenario's rate for their arm."""
    best = default_scenario().tumour.best_response
    reached: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for journey in participants(cohorts):
        course = journey.tumour
        assert course is not None
        if course.recist is None or not any(x.role.value == "target" for x in course.lesions):
            continue
        before = (
            course.intended[: course.intended.index("PD")]
            if "PD" in course.intended
            else course.intended
        )
        if len(before) < 3:
            continue
        total[journey.arm] += 1
        reached[journey.arm] += str(course.recist.best_overall_response) in ("CR", "PR")
    for arm, shares in best.items():
        assert within(reached[arm], total[arm], shares["CR"] + shares["PR"]), arm
