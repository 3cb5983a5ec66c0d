"""Allocation in a synthetic cohort goes through the platform's allocator, replayed here."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pytest

from oncotrial.allocation.blocks import generate_block_sequence
from oncotrial.allocation.minimization import (
    MinimizationSettings,
    marginal_counts,
    minimization_draws,
    minimize,
)
from oncotrial.allocation.stratum import Stratum
from oncotrial.clinical.staging import metastatic_organ_count
from oncotrial.design.cohort import Cohort, default_scenario, generate_cohort
from oncotrial.design.cohort.assignment import cohort_secret, count_level
from oncotrial.protocol.loader import load_protocol

ROOT = Path(__file__).resolve().parents[2]
PROTOCOL = load_protocol(ROOT / "protocols" / "eso_rt.toml").protocol
SEED = 7


@pytest.fixture(scope="module")
def cohort() -> Cohort:
    return generate_cohort(default_scenario(), 200, SEED)


def test_minimization_decisions_replay_from_the_trial_draws(cohort: Cohort) -> None:
    """Each randomized participant's arm is what `minimize` gives on the margins of those
    randomized before, with the n-th draw of the secret derived from the seed."""
    design = PROTOCOL.allocation
    settings = MinimizationSettings.from_protocol(
        [arm.id for arm in PROTOCOL.arms],
        [(factor.id, factor.weight) for factor in design.factors],
        design.minimizer_probability,
        design.imbalance,
        design.ratio,
    )
    draws = minimization_draws(cohort_secret(SEED, PROTOCOL.trial.acronym), 200)
    prior: list[tuple[dict[str, str], str]] = []
    for journey in cohort.participants:
        allocation = journey.allocation
        assert allocation is not None
        if allocation.cohort != "randomized":
            assert allocation.decision is None
            continue
        index = len(prior)
        expected = minimize(
            allocation.factor_levels,
            marginal_counts(prior, settings),
            settings,
            draws[index],
            draw_index=index,
        )
        assert allocation.decision == expected
        assert allocation.arm == expected.arm
        prior.append((dict(allocation.factor_levels), allocation.arm))
    assert len(prior) > 100


def test_factor_levels_come_from_the_screening_record(cohort: Cohort) -> None:
    dm = cohort.tables()["DM"].set_index("USUBJID")
    for journey in cohort.participants:
        allocation = journey.allocation
        assert allocation is not None
        organs = metastatic_organ_count(journey.screening.metastases)
        assert allocation.factor_levels == {
            "site": journey.site,
            "induction_response": journey.screening.induction.response,
            "metastatic_organs": count_level(organs, ["1", "2+"]),
        }
        row = dm.loc[journey.usubjid]
        assert (allocation.cohort, allocation.arm) == (row.COHORT, row.ARMCD)
        assert (
            allocation.factor_levels["induction_response"],
            allocation.factor_levels["metastatic_organs"],
        ) == (row.INDRESP, row.METORG)
        assert row.ALLOCDT.date() == allocation.date


def test_allocation_order_follows_allocation_dates(cohort: Cohort) -> None:
    dates = [journey.allocation.date for journey in cohort.participants]  # type: ignore[union-attr]
    assert dates == sorted(dates)
    assert [j.allocation.sequence for j in cohort.participants] == list(range(200))  # type: ignore[union-attr]


def test_permuted_blocks_when_the_protocol_says_so() -> None:
    """The same cohort under a protocol variant using stratified permuted blocks: each
    stratum's participants take its pre-generated slots in order."""
    variant = PROTOCOL.model_copy(
        update={"allocation": PROTOCOL.allocation.model_copy(update={"method": "permuted_block"})}
    )
    cohort = generate_cohort(default_scenario(), 80, SEED, protocol=variant)
    secret = cohort_secret(SEED, PROTOCOL.trial.acronym)
    used: Counter[str] = Counter()
    by_stratum: dict[str, list[str]] = defaultdict(list)
    for journey in cohort.participants:
        decision = journey.allocation.decision  # type: ignore[union-attr]
        if decision is None:
            continue
        key = Stratum.of(journey.allocation.factor_levels).key  # type: ignore[union-attr]
        assert decision.method == "permuted_blocks" and decision.stratum_key == key
        assert decision.slot == used[key]
        used[key] += 1
        by_stratum[key].append(decision.arm)
    for key, arms in by_stratum.items():
        sequence = generate_block_sequence(
            secret, key, 50, PROTOCOL.allocation.block_sizes, ("consolidation", "salvage")
        )
        assert arms == [slot.arm for slot in sequence[: len(arms)]]


@pytest.mark.parametrize(
    ("count", "levels", "expected"),
    [
        (1, ["1", "2+"], "1"),
        (2, ["1", "2+"], "2+"),
        (5, ["1", "2+"], "2+"),
        (3, ["1", "2", "3+"], "3+"),
    ],
)
def test_count_levels(count: int, levels: list[str], expected: str) -> None:
    assert count_level(count, levels) == expected


def test_a_count_no_level_covers_is_an_error() -> None:
    with pytest.raises(ValueError, match="no level"):
        count_level(0, ["1", "2+"])
