"""The public survival-analysis API: Kaplan-Meier, log-rank and Cox, with R survival's numbers.

This module is the documented entry point (docs/statistics.md); it owns no
arithmetic itself and gathers:

- :func:`kaplan_meier` (:mod:`oncotrial.analysis.km`): survival table,
  Greenwood variance, "log" / "log-log" / "plain" intervals, median and
  quantiles with R's intervals and midpoint rule, landmark survival, RMST;
- :func:`logrank` (:mod:`oncotrial.analysis.logrank`): R's survdiff, with
  strata and G-rho weights;
- :func:`cox` (:mod:`oncotrial.analysis.cox`): R's coxph with Efron or
  Breslow ties and strata, LR / Wald / score tests, concordance and the
  cox.zph proportional-hazards test.

Each function takes plain arrays or a data frame and returns a frozen result
object; none touches the database. The numbers are checked against R
survival's own saved outputs in tests/analysis.
"""

from __future__ import annotations

from oncotrial.analysis.cox import ChiSquareTest, CoxResult, cox
from oncotrial.analysis.km import (
    KaplanMeier,
    QuantileEstimate,
    RestrictedMean,
    SurvivalAt,
    kaplan_meier,
)
from oncotrial.analysis.logrank import LogrankResult, logrank

__all__ = [
    "ChiSquareTest",
    "CoxResult",
    "KaplanMeier",
    "LogrankResult",
    "QuantileEstimate",
    "RestrictedMean",
    "SurvivalAt",
    "cox",
    "kaplan_meier",
    "logrank",
]
