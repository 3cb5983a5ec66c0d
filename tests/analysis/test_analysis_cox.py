"""Cox regression with Efron's ties, strata, tests and concordance (analysis.cox) against R coxph.

Sources: R survival's saved outputs (therneau/survival tests/*.Rout.save) on
lung and on the coxph help-page data; R coxph output on rossi quoted in
lifelines' own tests (CamDavidsonPilon/lifelines lifelines/tests/test_estimation.py,
from Fox's Cox-regression appendix); a closed-form Efron solution from
Therneau & Grambsch's appendix as checked in R's book2 test. Values printed
with 4 or fewer significant digits are reproduced at the printed precision,
longer ones to 4 significant digits.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from lifelines.datasets import load_lung, load_rossi

from oncotrial.analysis.partial_likelihood import newton_raphson
from oncotrial.analysis.survival import cox

LUNG = load_lung()
ROSSI = load_rossi()


def assert_printed(value: float, printed: str) -> None:
    """`value` reproduces an R printout: at its precision, or to 4 significant digits."""
    reference = float(printed)
    digits = printed.lstrip("-").replace(".", "").lstrip("0")
    mantissa = printed.lower().split("e")[0]
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    exponent = int(printed.lower().split("e")[1]) if "e" in printed.lower() else 0
    if reference != 0 and len(digits.split("e")[0]) > 4:
        unit = 10.0 ** (math.floor(math.log10(abs(reference))) - 3)
    else:
        unit = 10.0 ** (exponent - decimals)
    assert abs(value - reference) <= unit / 2 + 1e-12, f"{value} != {printed}"


def test_lung_age_sex_matches_summary_coxph() -> None:
    # summary(coxph(Surv(time, status) ~ age + sex, lung))
    # Source: therneau/survival tests/Examples/survival-Ex.Rout.save (example "summary.coxph").
    fit = cox(LUNG, "time", "status", ["age", "sex"])
    table = fit.summary()
    assert (fit.n, fit.n_events) == (228, 165)
    #         coef exp(coef)  se(coef)      z Pr(>|z|)
    # age  0.017045  1.017191  0.009223  1.848  0.06459
    # sex -0.513219  0.598566  0.167458 -3.065  0.00218
    for name, coef, hr, se, z, p in (
        ("age", "0.017045", "1.017191", "0.009223", "1.848", "0.06459"),
        ("sex", "-0.513219", "0.598566", "0.167458", "-3.065", "0.00218"),
    ):
        assert_printed(table.loc[name, "coef"], coef)
        assert_printed(table.loc[name, "hr"], hr)
        assert_printed(table.loc[name, "se"], se)
        assert_printed(table.loc[name, "z"], z)
        assert_printed(table.loc[name, "p"], p)
    #     exp(coef) exp(-coef) lower .95 upper .95
    # age    1.0172     0.9831    0.9990    1.0357
    # sex    0.5986     1.6707    0.4311    0.8311
    assert_printed(fit.hr_ci.loc["age", "lower"], "0.9990")
    assert_printed(fit.hr_ci.loc["age", "upper"], "1.0357")
    assert_printed(fit.hr_ci.loc["sex", "lower"], "0.4311")
    assert_printed(fit.hr_ci.loc["sex", "upper"], "0.8311")
    assert_printed(fit.hr["sex"], "0.5986")
    # Concordance= 0.603  (se = 0.025 )
    assert_printed(fit.concordance, "0.603")
    # Likelihood ratio test= 14.12  on 2 df,   p=9e-04
    # Wald test            = 13.47  on 2 df,   p=0.001
    # Score (logrank) test = 13.72  on 2 df,   p=0.001
    assert_printed(fit.lr_test.statistic, "14.12")
    assert_printed(fit.lr_test.p_value, "9e-04")
    assert_printed(fit.wald_test.statistic, "13.47")
    assert_printed(fit.wald_test.p_value, "0.001")
    assert_printed(fit.score_test.statistic, "13.72")
    assert_printed(fit.score_test.p_value, "0.001")
    assert fit.lr_test.df == fit.wald_test.df == fit.score_test.df == 2


def test_lung_ph_ecog_age_matches_coxph() -> None:
    # coxph(Surv(time, status) ~ ph.ecog + age, lung); 1 observation deleted (missing ph.ecog)
    #             coef exp(coef) se(coef)     z        p
    # ph.ecog 0.443485  1.558128 0.115831 3.829 0.000129
    # age     0.011281  1.011345 0.009319 1.211 0.226082
    # Likelihood ratio test=19.06  on 2 df, p=7.279e-05; n= 227, number of events= 164
    # Source: therneau/survival tests/Examples/survival-Ex.Rout.save (example "pspline").
    fit = cox(LUNG.dropna(subset=["ph.ecog"]), "time", "status", ["ph.ecog", "age"])
    assert (fit.n, fit.n_events) == (227, 164)
    assert_printed(fit.coef["ph.ecog"], "0.443485")
    assert_printed(fit.coef["age"], "0.011281")
    assert_printed(fit.se["ph.ecog"], "0.115831")
    assert_printed(fit.se["age"], "0.009319")
    assert_printed(fit.summary().loc["ph.ecog", "p"], "0.000129")
    assert_printed(fit.lr_test.statistic, "19.06")
    assert_printed(fit.lr_test.p_value, "7.279e-05")


LUNG_STRATIFIED = ["ph.ecog", "ph.karno", "pat.karno", "wt.loss", "sex", "age", "meal.cal"]


def test_lung_stratified_by_institution_matches_coxph_with_strata() -> None:
    # summary(coxph(Surv(time, status) ~ ph.ecog + ph.karno + pat.karno + wt.loss + sex
    #               + age + meal.cal + strata(inst), lung)); n= 167, number of events= 120
    # Source: therneau/survival tests/cancer.Rout.save (commit 08139b13, R 2.11.1).
    data = LUNG.dropna(subset=[*LUNG_STRATIFIED, "inst"])
    fit = cox(data, "time", "status", LUNG_STRATIFIED, strata="inst")
    assert (fit.n, fit.n_events) == (167, 120)
    printed = {  # coef, se(coef), lower .95, upper .95
        "ph.ecog": ("0.7299987", "0.2689397", "1.2249", "3.5153"),
        "ph.karno": ("0.0130512", "0.0137362", "0.9862", "1.0408"),
        "pat.karno": ("-0.0140955", "0.0093680", "0.9681", "1.0043"),
        "wt.loss": ("-0.0148821", "0.0084811", "0.9690", "1.0017"),
        "sex": ("-0.6612534", "0.2339979", "0.3263", "0.8166"),
        "age": ("0.0050920", "0.0137288", "0.9784", "1.0325"),
        "meal.cal": ("-0.0002398", "0.0003019", "0.9992", "1.0004"),
    }
    for name, (coef, se, lower, upper) in printed.items():
        assert_printed(fit.coef[name], coef)
        assert_printed(fit.se[name], se)
        assert_printed(fit.hr_ci.loc[name, "lower"], lower)
        assert_printed(fit.hr_ci.loc[name, "upper"], upper)
    # Likelihood ratio test= 30.6  on 7 df,   p=7.377e-05
    # Wald test            = 28.15  on 7 df,   p=0.0002066
    # Score (logrank) test = 30.72  on 7 df,   p=7e-05
    assert_printed(fit.lr_test.statistic, "30.6")
    assert_printed(fit.lr_test.p_value, "7.377e-05")
    assert_printed(fit.wald_test.statistic, "28.15")
    assert_printed(fit.wald_test.p_value, "0.0002066")
    assert_printed(fit.score_test.statistic, "30.72")
    assert_printed(fit.score_test.p_value, "7e-05")


def test_small_stratified_model_matches_coxph_help_page() -> None:
    # test1 <- list(time=c(4,3,1,1,2,2,3), status=c(1,1,1,0,1,1,0),
    #               x=c(0,2,1,1,1,0,0), sex=c(0,0,0,0,1,1,1))
    # coxph(Surv(time, status) ~ x + strata(sex), test1)
    #     coef exp(coef) se(coef)     z     p
    # x 0.8023    2.2307   0.8224 0.976 0.329
    # Likelihood ratio test=1.09  on 1 df, p=0.2971
    # Source: therneau/survival tests/Examples/survival-Ex.Rout.save (example "coxph").
    test1 = pd.DataFrame(
        {
            "time": [4, 3, 1, 1, 2, 2, 3],
            "status": [1, 1, 1, 0, 1, 1, 0],
            "x": [0, 2, 1, 1, 1, 0, 0],
            "sex": [0, 0, 0, 0, 1, 1, 1],
        }
    )
    fit = cox(test1, "time", "status", ["x"], strata="sex")
    assert_printed(fit.coef["x"], "0.8023")
    assert_printed(fit.hr["x"], "2.2307")
    assert_printed(fit.se["x"], "0.8224")
    assert_printed(fit.summary().loc["x", "p"], "0.329")
    assert_printed(fit.lr_test.statistic, "1.09")
    assert_printed(fit.lr_test.p_value, "0.2971")


ROSSI_COVARIATES = ["fin", "age", "race", "wexp", "mar", "paro", "prio"]


def test_rossi_matches_r_coxph() -> None:
    # coxph(Surv(week, arrest) ~ fin + age + race + wexp + mar + paro + prio, data=rossi)
    # round(coefficients, 4); se(coef) and z from summary().
    # Source: CamDavidsonPilon/lifelines lifelines/tests/test_estimation.py
    # (test_coef_output_against_R_super_accurate, test_standard_error_coef_output_against_R,
    # test_z_value_output_against_R_to_3_decimal_places), R code from Fox's appendix.
    fit = cox(ROSSI, "week", "arrest", ROSSI_COVARIATES)
    coef = ["-0.3794", "-0.0574", "0.3139", "-0.1498", "-0.4337", "-0.0849", "0.0915"]
    se = ["0.19138", "0.02200", "0.30799", "0.21222", "0.38187", "0.19576", "0.02865"]
    z = ["-1.983", "-2.611", "1.019", "-0.706", "-1.136", "-0.434", "3.194"]
    table = fit.summary()
    for i, name in enumerate(ROSSI_COVARIATES):
        assert_printed(table.loc[name, "coef"], coef[i])
        assert_printed(table.loc[name, "se"], se[i])
        assert_printed(table.loc[name, "z"], z[i])


def test_rossi_with_four_strata_columns_matches_r() -> None:
    # r <- coxph(Surv(week, arrest) ~ fin + age + strata(race, paro, mar, wexp) + prio, rossi)
    # coefficients -0.3355, -0.0590, 0.1002; r$loglik[2] = -436.9339
    # Source: CamDavidsonPilon/lifelines lifelines/tests/test_estimation.py
    # (test_output_with_strata_against_R, test_strata_against_R_output).
    fit = cox(
        ROSSI, "week", "arrest", ["fin", "age", "prio"], strata=["race", "paro", "mar", "wexp"]
    )
    assert_printed(fit.coef["fin"], "-0.3355")
    assert_printed(fit.coef["age"], "-0.0590")
    assert_printed(fit.coef["prio"], "0.1002")
    assert_printed(fit.loglik, "-436.9339")


BOOK = pd.DataFrame(
    {"time": [9, 1, 1, 6, 6, 8], "status": [1, 1, 0, 1, 1, 0], "x": [0, 1, 1, 1, 0, 0]}
)


def test_efron_closed_form_solution() -> None:
    # Therneau & Grambsch appendix E, data set 1 (test1 without its NA row), Efron ties:
    # beta = log(2 sqrt(23/3) cos(acos((45/23) sqrt(3/23)) / 3)) = 1.676857 (rounded);
    # loglik(beta) = 2 beta - (log(3r + 3) + log((r + 5)/2) + log(r + 3)), r = exp(beta);
    # information = sum of t - t^2 at t = r/(r+1), r/(r+5), r/(r+3).
    # Source: therneau/survival tests/book2.Rout.save (byhand(); aeq(round(fit$coef,6), 1.676857)).
    fit = cox(BOOK, "time", "status", ["x"])
    beta = math.log(math.cos(math.acos((45 / 23) * math.sqrt(3 / 23)) / 3) * 2 * math.sqrt(23 / 3))
    r = math.exp(beta)
    loglik = 2 * beta - (math.log(3 * r + 3) + math.log((r + 5) / 2) + math.log(r + 3))
    info = sum(t - t * t for t in (r / (r + 1), r / (r + 5), r / (r + 3)))
    assert_printed(fit.coef["x"], "1.676857")
    assert fit.coef["x"] == pytest.approx(beta, rel=1e-5)
    assert fit.loglik == pytest.approx(loglik, rel=1e-9)
    assert fit.variance.loc["x", "x"] == pytest.approx(1 / info, rel=1e-5)


def test_lifelines_efron_fit_is_the_partial_likelihood_maximum() -> None:
    # lifelines fits Efron models; the hand-written Efron partial likelihood must agree
    # that it is the maximum (independent check of both).
    data = LUNG.dropna(subset=[*LUNG_STRATIFIED, "inst"])
    fit = cox(data, "time", "status", LUNG_STRATIFIED, strata="inst")
    solved = newton_raphson(fit._data)
    np.testing.assert_allclose(solved.beta, fit.coef.to_numpy(), rtol=1e-7)
    assert solved.loglik == pytest.approx(fit.loglik, rel=1e-12)
    np.testing.assert_allclose(solved.variance, fit.variance.to_numpy(), rtol=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"covariates": []}, "covariates: at least one covariate is needed"),
        ({"covariates": ["nope"]}, "df: no column"),
        ({"covariates": ["ph.ecog"]}, "ph.ecog: 1 missing value"),
        ({"ties": "exact"}, "ties must be one of efron, breslow"),
        ({"covariates": ["age", "age"]}, "columns: each column may be used once"),
    ],
)
def test_bad_input_is_refused(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {
        "df": LUNG,
        "duration_col": "time",
        "event_col": "status",
        "covariates": ["age"],
    }
    arguments.update(kwargs)
    with pytest.raises(ValueError, match=message):
        cox(**arguments)  # type: ignore[arg-type]


def test_text_covariate_and_r_status_coding_are_refused() -> None:
    frame = LUNG.assign(arm=np.where(LUNG["sex"] == 1, "A", "B"))
    with pytest.raises(ValueError, match="arm: must be numeric; code a factor as 0/1"):
        cox(frame, "time", "status", ["arm"])
    with pytest.raises(ValueError, match="status: must be coded 0 = censored, 1 = event"):
        cox(LUNG.assign(status=LUNG["status"] + 1), "time", "status", ["age"])


@pytest.mark.filterwarnings("ignore::scipy.linalg.LinAlgWarning")
def test_constant_or_collinear_covariates_are_refused_with_a_reason() -> None:
    with pytest.raises(ValueError, match="one: is constant"):
        cox(LUNG.assign(one=1.0), "time", "status", ["one"])
    frame = LUNG.assign(age2=2 * LUNG["age"])
    for ties in ("efron", "breslow"):
        with pytest.raises(ValueError, match="covariates: the"):
            cox(frame, "time", "status", ["age", "age2"], ties=ties)
