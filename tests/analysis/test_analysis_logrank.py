"""Log-rank and G-rho weighted tests, stratified or not (analysis.logrank), against R survdiff.

Sources: R survival's saved outputs (therneau/survival tests/*.Rout.save), the
R survdiff values in statsmodels' tests on the Klein & Moeschberger bone-marrow
data, and the statistics notes. Values printed with 4 or fewer significant
digits are reproduced at the printed precision, longer ones to 4 digits.
"""

from __future__ import annotations

import importlib.resources
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from lifelines.datasets import load_leukemia, load_lung
from lifelines.statistics import logrank_test

from oncotrial.analysis.partial_likelihood import evaluate, prepare, score_statistic
from oncotrial.analysis.survival import cox, logrank

LUNG = load_lung()


def assert_printed(value: float, printed: str) -> None:
    """`value` reproduces an R printout: at its precision, or to 4 significant digits."""
    reference = float(printed)
    digits = printed.lstrip("-").replace(".", "").lstrip("0")
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    if reference != 0 and len(digits) > 4:
        unit = 10.0 ** (math.floor(math.log10(abs(reference))) - 3)
    else:
        unit = 10.0**-decimals
    assert abs(value - reference) <= unit / 2 + 1e-12, f"{value} != {printed}"


def test_stratified_test_matches_survdiff_with_strata() -> None:
    # survdiff(Surv(time, status) ~ pat.karno + strata(inst), data=lung)
    # n=224, 4 observations deleted due to missingness.
    # Source: therneau/survival tests/Examples/survival-Ex.Rout.save (example "survdiff").
    data = LUNG.dropna(subset=["pat.karno", "inst"])
    result = logrank(data["time"], data["status"], data["pat.karno"], strata=data["inst"])
    table = result.table()
    expected = {  # N, Observed, Expected, (O-E)^2/E, (O-E)^2/V
        30: (2, "1", "0.692", "0.13720", "0.15752"),
        40: (2, "1", "1.099", "0.00889", "0.00973"),
        50: (4, "4", "1.166", "6.88314", "7.45359"),
        60: (30, "27", "16.298", "7.02790", "9.57333"),
        70: (41, "31", "26.358", "0.81742", "1.14774"),
        80: (50, "38", "41.938", "0.36978", "0.60032"),
        90: (60, "38", "47.242", "1.80800", "3.23078"),
        100: (35, "21", "26.207", "1.03451", "1.44067"),
    }
    assert len(data) == 224
    for group, (n, obs, exp, oe_e, oe_v) in expected.items():
        row = table.loc[float(group)]
        assert row["n"] == n
        assert_printed(row["observed"], obs)
        assert_printed(row["expected"], exp)
        assert_printed(row["(O-E)^2/E"], oe_e)
        assert_printed(row["(O-E)^2/V"], oe_v)
    # Chisq= 21.4  on 7 degrees of freedom, p= 0.003
    assert_printed(result.chisq, "21.4")
    assert result.df == 7
    assert_printed(result.p_value, "0.003")


def test_rho_half_weights_match_survdiff_rho() -> None:
    # temp <- survdiff(Surv(time, status) ~ inst, lung, rho=.5); print(temp, digits=6)
    # Source: therneau/survival tests/cancer.Rout.save (commit 14b5ca39).
    data = LUNG.dropna(subset=["inst"])
    result = logrank(data["time"], data["status"], data["inst"], weights=0.5)
    table = result.table()
    expected = {  # N, Observed, Expected, (O-E)^2/V
        1: (36, "21.190058", "17.455181", "1.171232977"),
        2: (5, "3.173330", "1.964395", "0.860140808"),
        7: (8, "4.445647", "4.416133", "0.000253632"),
        21: (13, "9.263733", "4.460746", "6.149354145"),
        33: (2, "0.929177", "0.416202", "0.676682390"),
    }
    for group, (n, obs, exp, oe_v) in expected.items():
        row = table.loc[float(group)]
        assert row["n"] == n
        assert_printed(row["observed"], obs)
        assert_printed(row["expected"], exp)
        assert_printed(row["(O-E)^2/V"], oe_v)
    # Chisq= 15.1  on 17 degrees of freedom, p= 0.5904
    assert_printed(result.chisq, "15.1")
    assert result.df == 17
    assert_printed(result.p_value, "0.5904")


AML_TIME = [9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161, 5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45]
AML_STATUS = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1]
AML_GROUP = ["Maintained"] * 11 + ["Nonmaintained"] * 12


def test_aml_and_a_group_with_nothing_expected() -> None:
    # survdiff(Surv(time, status) ~ x, aml) and the same with a third "Dummy" group of 7
    # early censorings: both Chisq= 3.4 on 1 degree of freedom; Observed 7, 11;
    # Expected 10.69, 7.31; (O-E)^2/V 3.4. The aml data are listed in the same file.
    # Source: therneau/survival tests/difftest.Rout.save.
    plain = logrank(AML_TIME, AML_STATUS, AML_GROUP)
    dummy = logrank(
        [*AML_TIME, 1, 2, 2, 3, 3, 3, 4], [*AML_STATUS, *[0] * 7], [*AML_GROUP, *["Dummy"] * 7]
    )
    for result in (plain, dummy):
        assert_printed(result.chisq, "3.4")
        assert result.df == 1
        assert result.observed[["Maintained", "Nonmaintained"]].tolist() == [7, 11]
        assert_printed(result.expected["Maintained"], "10.69")
        assert_printed(result.expected["Nonmaintained"], "7.31")
    assert dummy.expected["Dummy"] == 0
    assert dummy.chisq == pytest.approx(plain.chisq, rel=1e-12)


def test_lung_by_sex() -> None:
    # survdiff(Surv(time, status) ~ sex, data = lung): chisq 10.3267.
    # Source: domain/statistics-and-standards.md section 7 (Packt, Machine Learning with R
    # Cookbook, log-rank recipe).
    result = logrank(LUNG["time"], LUNG["status"], LUNG["sex"])
    assert_printed(result.chisq, "10.3267")
    assert result.observed.tolist() == [112, 53]


BMT_STATS = {  # (number of strata, rho) -> R survdiff chisq
    # Source: statsmodels/statsmodels statsmodels/duration/tests/test_survfunc.py, test_survdiff
    # ("Results come from R survival"); strata are row number modulo 5 or 8 of bmt.csv.
    (1, 0.0): "13.44556",
    (1, 0.5): "14.46866",
    (1, 1.0): "14.84500",
    (5, 0.0): "11.97799",
    (5, 0.5): "12.6257",
    (5, 1.0): "12.73565",
    (8, 0.0): "12.12631",
    (8, 0.5): "12.9633",
    (8, 1.0): "13.35259",
}


def _bmt() -> pd.DataFrame:
    resource = importlib.resources.files("statsmodels.duration.tests.results") / "bmt.csv"
    if not resource.is_file():
        pytest.skip("statsmodels' bmt.csv test data is not installed")
    with resource.open() as handle:
        data = pd.read_csv(handle)
    return data[data["Group"] != "ALL"].reset_index(drop=True)


@pytest.mark.parametrize(("design", "printed"), BMT_STATS.items())
def test_peto_peto_and_rho_weights_stratified_match_r(
    design: tuple[int, float], printed: str
) -> None:
    n_strata, rho = design
    data = _bmt()
    strata = np.arange(len(data)) % n_strata if n_strata > 1 else None
    weights = "peto-peto" if rho == 1.0 else rho
    result = logrank(data["T"], data["Status"], data["Group"], strata=strata, weights=weights)
    assert_printed(result.chisq, printed)


def test_leukemia_coding_and_an_independent_implementation() -> None:
    # load_leukemia: Rx = 1 is placebo (21 events), Rx = 0 is 6-MP (9 events)
    # (statistics notes section 1.2). No R printout on these data was found; lifelines'
    # logrank_test is the independent check of the unweighted statistic.
    leukemia = load_leukemia()
    result = logrank(leukemia["t"], leukemia["status"], leukemia["Rx"])
    assert result.observed.to_dict() == {0: 9, 1: 21}
    assert result.n.to_dict() == {0: 21, 1: 21}
    placebo = leukemia[leukemia["Rx"] == 1]
    mp = leukemia[leukemia["Rx"] == 0]
    other = logrank_test(placebo["t"], mp["t"], placebo["status"], mp["status"])
    assert result.chisq == pytest.approx(other.test_statistic, rel=1e-10)


@given(
    st.lists(st.tuples(st.booleans(), st.booleans()), min_size=4, max_size=30),
    st.randoms(use_true_random=False),
)
@settings(max_examples=40, deadline=None)
def test_without_ties_log_rank_is_the_cox_score_test(
    rows: list[tuple[bool, bool]], rnd: object
) -> None:
    # A known identity (R survdiff documentation): with no tied times the log-rank test
    # equals the score test of a Cox model with the group as its only covariate.
    group = [int(g) for g, _ in rows]
    event = [int(e) for _, e in rows]
    if len(set(group)) < 2 or sum(event) == 0:
        return
    time = list(range(1, len(rows) + 1))
    rnd.shuffle(time)  # type: ignore[attr-defined]
    lr = logrank(time, event, group)
    assume(lr.variance.to_numpy()[0, 0] > 0)  # no information, no test
    x = np.array(group, dtype=float)[:, None]
    for ties in ("breslow", "efron"):
        data = prepare(x, np.array(time, float), np.array(event, bool), np.zeros(len(x), int), ties)
        score = score_statistic(evaluate(data, np.zeros(1)))
        assert lr.chisq == pytest.approx(score, rel=1e-9, abs=1e-12)


def test_log_rank_equals_the_cox_score_test_on_lung_by_sex() -> None:
    # Near-identity through the public API on lung, which has tied times: the score
    # test's variance handles ties differently from survdiff's hypergeometric one.
    frame = LUNG.assign(female=(LUNG["sex"] == 2).astype(float))
    lr = logrank(frame["time"], frame["status"], frame["sex"])
    score = cox(frame, "time", "status", ["female"], ties="efron").score_test.statistic
    assert score == pytest.approx(lr.chisq, rel=2e-3)


def test_group_labels_can_be_text_and_are_sorted() -> None:
    result = logrank([1, 2, 3, 4], [1, 1, 1, 1], ["b", "a", "b", "a"])
    assert list(result.observed.index) == ["a", "b"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"group": [1, 1, 1]}, "group: at least two groups are needed"),
        ({"weights": "gehan"}, "weights must be one of logrank, peto-peto or a number"),
        ({"weights": -1}, "weights: rho must be a finite number >= 0"),
        ({"strata": [1, None, 2]}, "strata: 1 missing value"),
        ({"group": [1, 2]}, "group: must have one value per time"),
    ],
)
def test_bad_input_is_refused(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"time": [1, 2, 3], "event": [1, 0, 1], "group": [1, 2, 1]}
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        logrank(**arguments)  # type: ignore[arg-type]
