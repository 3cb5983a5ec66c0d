"""Response rates with exact (Clopper-Pearson) confidence intervals: ORR and DCR.

This module owns the binomial interval the trial reports for objective
response rate (ORR) and disease control rate (DCR), and the counting of best
overall responses behind them.

- :func:`exact_ci` is the Clopper-Pearson interval, computed by scipy
  (``binomtest(...).proportion_ci(method="exact")``), which matches R's
  ``binom.test`` to 7 digits; 0/n gives a lower limit of exactly 0 and n/n an
  upper limit of exactly 1.
- :func:`orr` counts complete and partial responses, :func:`dcr` adds stable
  disease (and non-CR/non-PD for participants with only non-target disease).
  Best overall responses are the values of the RECIST 1.1 and iRECIST
  categories in :mod:`oncotrial.clinical` (CR, PR, SD, NON_CR_NON_PD, PD, NE;
  iCR, iPR, iSD, NON_iCR_NON_iUPD, iUPD, iCPD); the CDISC RS spellings
  NON-CR/NON-PD and NON-iCR/NON-iUPD are accepted too. Every participant in
  the analysis set is in the denominator; one without an evaluable
  assessment must be coded NE, not left missing, so the choice is explicit.

Sources: R ``stats::binom.test``; Clopper & Pearson, Biometrika 26:404 (1934);
RECIST 1.1 (Eisenhauer et al., Eur J Cancer 45:228, 2009); iRECIST (Seymour
et al., Lancet Oncol 18:e143, 2017).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import pandas as pd
from scipy import stats

RESPONSE = frozenset({"CR", "PR", "iCR", "iPR"})
NON_TARGET_ONLY = frozenset(
    {"NON_CR_NON_PD", "NON-CR/NON-PD", "NON_iCR_NON_iUPD", "NON-iCR/NON-iUPD"}
)
DISEASE_CONTROL = RESPONSE | {"SD", "iSD"} | NON_TARGET_ONLY
# NED (no evidence of disease at baseline, none since) is neither a response nor
# disease control: there was no disease to shrink or to hold.
BEST_RESPONSE_CODES = DISEASE_CONTROL | {"NED", "PD", "NE", "iUPD", "iCPD"}


@dataclass(frozen=True)
class ProportionEstimate:
    """x successes out of n, the proportion and its exact confidence interval."""

    x: int
    n: int
    estimate: float
    lower: float
    upper: float
    level: float


def exact_ci(x: int, n: int, level: float = 0.95) -> ProportionEstimate:
    """Clopper-Pearson interval for x successes in n trials, as R's ``binom.test(x, n)``."""
    if isinstance(x, bool) or isinstance(n, bool) or int(x) != x or int(n) != n:
        raise ValueError(f"x and n must be whole numbers; got x={x!r}, n={n!r}")
    x, n = int(x), int(n)
    if n < 1:
        raise ValueError(f"n must be at least 1; got {n}")
    if not 0 <= x <= n:
        raise ValueError(f"x must lie between 0 and n = {n}; got {x}")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must lie strictly between 0 and 1; got {level!r}")
    ci = stats.binomtest(x, n).proportion_ci(confidence_level=level, method="exact")
    return ProportionEstimate(x, n, x / n, float(ci.low), float(ci.high), level)


def response_rate(
    best_responses: Sequence[str] | pd.Series,
    counted: Collection[str],
    level: float = 0.95,
) -> ProportionEstimate:
    """Share of participants whose best overall response is in `counted`, with exact CI."""
    codes = pd.Series(list(best_responses), dtype=object)
    if codes.empty:
        raise ValueError("best_responses: the analysis set is empty")
    missing = int(codes.isna().sum())
    if missing:
        raise ValueError(
            f"best_responses: {missing} missing value(s); code participants without an"
            " evaluable assessment as 'NE'"
        )
    unknown = sorted(set(codes) - BEST_RESPONSE_CODES)
    if unknown:
        raise ValueError(
            f"best_responses: unknown code(s) {unknown}; expected RECIST 1.1 or iRECIST codes"
            f" {sorted(BEST_RESPONSE_CODES)}"
        )
    return exact_ci(int(codes.isin(list(counted)).sum()), int(codes.size), level)


def orr(best_responses: Sequence[str] | pd.Series, level: float = 0.95) -> ProportionEstimate:
    """Objective response rate: CR or PR (iCR or iPR), with Clopper-Pearson interval."""
    return response_rate(best_responses, RESPONSE, level)


def dcr(best_responses: Sequence[str] | pd.Series, level: float = 0.95) -> ProportionEstimate:
    """Disease control rate: CR, PR, SD or non-CR/non-PD (and iRECIST equivalents)."""
    return response_rate(best_responses, DISEASE_CONTROL, level)
