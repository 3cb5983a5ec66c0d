"""Proportional-hazards test (analysis.zph), R survival >= 3.0's cox.zph score test.

R's own test file derives the test in closed form on Therneau & Grambsch's
data set 1 for Breslow and Efron ties, identity and log transforms, and a
doubled, stratified copy; these tests evaluate the same closed forms (the
per-death score U and information I written out in that file) and compare.
Source: therneau/survival tests/zph.Rout.save.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from lifelines.datasets import load_lung

from oncotrial.analysis.survival import cox
from oncotrial.analysis.zph import time_transform

BOOK = pd.DataFrame(
    {"time": [9, 1, 1, 6, 6, 8], "status": [1, 1, 0, 1, 1, 0], "x": [0, 1, 1, 1, 0, 0]}
)
DEATH_TIMES = np.array([1.0, 6.0, 6.0, 9.0])


def score_test(g: np.ndarray, u: np.ndarray, imat: np.ndarray) -> float:
    """zph.Rout.save: u2 = (sum U, sum g U); i2 = [[sum I, sum g I], [sum g I, sum g^2 I]]."""
    u2 = np.array([u.sum(), (g * u).sum()])
    i2 = np.array([[imat.sum(), (g * imat).sum()], [(g * imat).sum(), (g * g * imat).sum()]])
    return float(u2 @ np.linalg.solve(i2, u2))


def breslow_pieces() -> tuple[np.ndarray, np.ndarray]:
    # r <- (3 + sqrt(33))/2; U <- c(1/(r+1), 3/(r+3), -r/(r+3), 0)
    # imat <- c(r/(r+1)^2, 3*r/(r+3)^2, 3*r/(r+3)^2, 0)
    r = (3 + math.sqrt(33)) / 2
    u = np.array([1 / (r + 1), 3 / (r + 3), -r / (r + 3), 0.0])
    imat = np.array([r / (r + 1) ** 2, 3 * r / (r + 3) ** 2, 3 * r / (r + 3) ** 2, 0.0])
    return u, imat


def efron_pieces() -> tuple[np.ndarray, np.ndarray]:
    # phi <- acos((45/23)*sqrt(3/23)); r <- 2*sqrt(23/3)*cos(phi/3)
    # U <- c(1/(r+1), 3/(r+3), -r/(r+5), 0); imat <- c(r/(r+1)^2, 3*r/(r+3)^2, 5*r/(r+5)^2, 0)
    r = 2 * math.sqrt(23 / 3) * math.cos(math.acos((45 / 23) * math.sqrt(3 / 23)) / 3)
    u = np.array([1 / (r + 1), 3 / (r + 3), -r / (r + 5), 0.0])
    imat = np.array([r / (r + 1) ** 2, 3 * r / (r + 3) ** 2, 5 * r / (r + 5) ** 2, 0.0])
    return u, imat


def test_breslow_identity_and_log_transforms() -> None:
    # zp1 <- cox.zph(fit1, transform='identity'); aeq(zp1$table[,1], sctest)  [TRUE]
    # zp3 <- cox.zph(fit1, transform='log');      aeq(zp3$table[,1], sctest3) [TRUE]
    fit = cox(BOOK, "time", "status", ["x"], ties="breslow")
    u, imat = breslow_pieces()
    for transform, g in (("identity", DEATH_TIMES), ("log", np.log(DEATH_TIMES))):
        table = fit.ph_test(transform)
        assert table.loc["x", "chisq"] == pytest.approx(score_test(g, u, imat), rel=1e-9)
        assert table.loc["x", "df"] == 1
        assert table.loc["GLOBAL", "chisq"] == pytest.approx(table.loc["x", "chisq"])


def test_efron_log_transform() -> None:
    # zp4 <- cox.zph(fit4, transform='log'); aeq(zp4$table[,1], sctest4) [TRUE]
    fit = cox(BOOK, "time", "status", ["x"], ties="efron")
    u, imat = efron_pieces()
    expected = score_test(np.log(DEATH_TIMES), u, imat)
    assert fit.ph_test("log").loc["x", "chisq"] == pytest.approx(expected, rel=1e-6)


def test_strata_add_their_information() -> None:
    # Two copies of the data as two strata: "U, imat, and sctest will all double";
    # zp6 <- cox.zph(fit6, transform="log"); aeq(zp6$table[,1], 2*sctest4) [TRUE]
    doubled = pd.concat([BOOK.assign(group="a"), BOOK.assign(group="b")], ignore_index=True)
    fit = cox(doubled, "time", "status", ["x"], strata="group")
    u, imat = efron_pieces()
    expected = 2 * score_test(np.log(DEATH_TIMES), u, imat)
    assert fit.ph_test("log").loc["x", "chisq"] == pytest.approx(expected, rel=1e-6)


def test_km_and_rank_transforms_by_hand() -> None:
    # Hand derivation on the same data. Pooled Kaplan-Meier: S = 5/6 after t = 1 (6 at risk),
    # 5/12 after t = 6 (4 at risk, 2 deaths): "km" g = 1 - S(t-) = 0, 1/6, 1/6, 7/12.
    # "rank" ranks all six times (1, 1, 6, 6, 8, 9), ties averaged: 1.5, 3.5, 3.5, 6.
    time = BOOK["time"].to_numpy(dtype=float)
    event = BOOK["status"].to_numpy(dtype=bool)
    np.testing.assert_allclose(
        time_transform("km", DEATH_TIMES, time, event), [0, 1 / 6, 1 / 6, 7 / 12]
    )
    np.testing.assert_allclose(
        time_transform("rank", DEATH_TIMES, time, event), [1.5, 3.5, 3.5, 6.0]
    )
    fit = cox(BOOK, "time", "status", ["x"], ties="breslow")
    u, imat = breslow_pieces()
    km = fit.ph_test("km").loc["x", "chisq"]
    assert km == pytest.approx(score_test(np.array([0, 1 / 6, 1 / 6, 7 / 12]), u, imat))


def test_table_shape_on_a_multivariable_model() -> None:
    lung = load_lung()
    fit = cox(lung, "time", "status", ["age", "sex"])
    table = fit.ph_test()
    assert list(table.index) == ["age", "sex", "GLOBAL"]
    assert table["df"].tolist() == [1, 1, 2]
    assert ((table["p"] > 0) & (table["p"] <= 1)).all()
    with pytest.raises(ValueError, match="transform must be one of km, rank, identity, log"):
        fit.ph_test("sqrt")
