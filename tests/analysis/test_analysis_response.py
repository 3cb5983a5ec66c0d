"""Exact (Clopper-Pearson) intervals, ORR and DCR (analysis.response) against R binom.test.

Expected intervals are R stats::binom.test outputs quoted, with their calls, in
domain/statistics-and-standards.md section 2.1 (the first is the binom.test
help-page example), checked there to 7 digits.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncotrial.analysis.response import dcr, exact_ci, orr

# (x, n, conf.level) -> R binom.test confidence interval.
# Source: domain/statistics-and-standards.md section 2.1.
BINOM_TEST = [
    # binom.test(c(682, 243), p = 3/4): 0.7076683 0.7654066
    (682, 925, 0.95, 0.7076683, 0.7654066),
    # binom.test(9, 24, 1/6): 0.1879929 0.5940636
    (9, 24, 0.95, 0.1879929, 0.5940636),
    # binom.test(1, 1497, 0.0033, conf.level = 0.9): 3.426347e-05 3.164954e-03
    (1, 1497, 0.90, 3.426347e-05, 3.164954e-03),
    # 0/20: (0, 0.1684335)
    (0, 20, 0.95, 0.0, 0.1684335),
]


@pytest.mark.parametrize(("x", "n", "level", "lower", "upper"), BINOM_TEST)
def test_exact_interval_matches_binom_test(
    x: int, n: int, level: float, lower: float, upper: float
) -> None:
    ci = exact_ci(x, n, level)
    assert ci.lower == pytest.approx(lower, rel=5e-7, abs=0)
    assert ci.upper == pytest.approx(upper, rel=5e-7)
    assert ci.estimate == x / n


def test_limits_are_exactly_zero_and_one_at_the_edges() -> None:
    assert exact_ci(0, 20).lower == 0.0
    assert exact_ci(20, 20).upper == 1.0


@given(st.integers(1, 200).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_interval_contains_the_estimate(xn: tuple[int, int]) -> None:
    x, n = xn
    ci = exact_ci(x, n)
    assert 0.0 <= ci.lower <= ci.estimate <= ci.upper <= 1.0


def test_orr_and_dcr_count_best_responses() -> None:
    best = ["CR", "PR", "PR", "SD", "NON_CR_NON_PD", "PD", "NE", "iCR", "iSD", "iUPD"]
    response = orr(best)
    control = dcr(best)
    assert (response.x, response.n) == (4, 10)
    assert (control.x, control.n) == (7, 10)
    assert response.lower == exact_ci(4, 10).lower
    assert dcr(["NON-CR/NON-PD", "NON-iCR/NON-iUPD", "NON_iCR_NON_iUPD", "iCPD"]).x == 3


@pytest.mark.parametrize(
    ("best", "message"),
    [
        (["CR", None], "best_responses: 1 missing value"),
        (["CR", "MR"], r"best_responses: unknown code\(s\) \['MR'\]"),
        ([], "best_responses: the analysis set is empty"),
    ],
)
def test_bad_best_responses_are_refused(best: list[str | None], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        orr(best)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("x", "n", "level", "message"),
    [
        (3, 0, 0.95, "n must be at least 1"),
        (5, 4, 0.95, "x must lie between 0 and n"),
        (1.5, 4, 0.95, "x and n must be whole numbers"),
        (1, 4, 95, "level must lie strictly between 0 and 1"),
    ],
)
def test_bad_counts_are_refused(x: float, n: int, level: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        exact_ci(x, n, level)  # type: ignore[arg-type]
