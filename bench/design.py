"""Benchmark: 100,000 simulated ESO-RT trials with a log-rank test each, against lifelines.

Simulates two-arm trials of 120 patients (uniform accrual over 18 months,
control median 12 months, hazard ratio 0.6, 5 % dropout a year, analysis at
the 70th event), runs the vectorised log-rank test of
``oncotrial.design.logrank`` on all of them, then loops lifelines'
``logrank_test`` over a subsample of the same simulated data in the same run.
It prints the wall times, the speed-up and the agreement: identical
reject/accept decisions at two-sided alpha 0.05 and chi-square statistics
equal within 1e-8. Exit status 1 when the agreement check fails.

Run: ``.venv/bin/python bench/design.py`` (target: under 10 s on 2 cores,
at least 100x faster than lifelines).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import warnings

import numpy as np
from scipy.stats import chi2 as chi2_dist

from oncotrial.design.logrank import logrank
from oncotrial.design.sample_size import hazard_from_probability
from oncotrial.design.survival_trials import (
    AnalysisData,
    SurvivalScenario,
    cut,
    event_driven_cutoff,
    simulate_trials,
)

SCENARIO = SurvivalScenario(
    n_patients=120,
    accrual_time=18.0,
    median_control=12.0,
    hazard_ratio=0.6,
    dropout_hazard=hazard_from_probability(0.05, 12.0),
)
EVENTS = 70
ALPHA = 0.05  # two-sided, for the decision comparison
TOLERANCE = 1e-8


def _lifelines_chi2(data: AnalysisData, rows: int) -> np.ndarray:
    from lifelines.statistics import logrank_test

    exp = data.experimental
    out = np.empty(rows)
    for i in range(rows):
        keep = data.included[i]
        a, c = keep & exp, keep & ~exp
        result = logrank_test(data.time[i, a], data.time[i, c], data.event[i, a], data.event[i, c])
        out[i] = result.test_statistic
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=100_000)
    parser.add_argument("--subsample", type=int, default=1_000, help="trials run through lifelines")
    parser.add_argument("--chunk", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20240901)
    args = parser.parse_args()
    if not 1 <= args.subsample <= min(args.chunk, args.trials):
        parser.error("--subsample must be between 1 and min(--chunk, --trials)")

    print(f"python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} cores")
    print(
        f"scenario: {args.trials:,} trials x {SCENARIO.n_patients} patients, "
        f"HR {SCENARIO.hazard_ratio}, analysis at {EVENTS} events, seed {args.seed}"
    )

    rng = np.random.default_rng(args.seed)
    chi2 = np.empty(args.trials)
    simulate_s = logrank_s = 0.0
    kept: AnalysisData | None = None
    start = time.perf_counter()
    for lo in range(0, args.trials, args.chunk):
        size = min(args.chunk, args.trials - lo)
        t0 = time.perf_counter()
        trials = simulate_trials(SCENARIO, size, rng)
        data = cut(trials, event_driven_cutoff(trials, EVENTS))
        t1 = time.perf_counter()
        chi2[lo : lo + size] = logrank(data.time, data.event, data.experimental, data.included).chi2
        t2 = time.perf_counter()
        simulate_s += t1 - t0
        logrank_s += t2 - t1
        if kept is None:
            kept = data
    total_s = time.perf_counter() - start
    assert kept is not None

    n = args.subsample
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        reference = _lifelines_chi2(kept, n)
        lifelines_s = time.perf_counter() - t0
    per_trial = lifelines_s / n
    lifelines_all_s = per_trial * args.trials

    critical = chi2_dist.isf(ALPHA, 1)
    ours = chi2[:n]
    max_diff = float(np.max(np.abs(ours - reference)))
    same_decisions = bool(np.array_equal(ours >= critical, reference >= critical))
    power = float(np.mean(chi2 >= critical))

    print(
        f"vectorised: {total_s:.2f} s wall for {args.trials:,} trials "
        f"(simulation {simulate_s:.2f} s, log-rank {logrank_s:.2f} s)"
    )
    print(
        f"lifelines logrank_test: {lifelines_s:.2f} s for {n:,} trials "
        f"= {per_trial * 1e3:.2f} ms per trial, ~{lifelines_all_s:.0f} s for {args.trials:,}"
    )
    print(f"two-sided rejection rate at alpha {ALPHA}: {power:.4f}")
    print(
        f"agreement on {n:,} trials: max |chi2 difference| = {max_diff:.2e}, "
        f"decisions identical: {same_decisions}"
    )
    print(
        f"ratio (log-rank tests, same data): {lifelines_all_s / logrank_s:.0f}x faster "
        "than lifelines"
    )
    print(
        f"ratio (simulation + log-rank vs lifelines log-rank alone): "
        f"{lifelines_all_s / total_s:.0f}x faster"
    )
    print(f"target < 10 s: {'met' if total_s < 10 else 'MISSED'} ({total_s:.2f} s)")
    ok = same_decisions and max_diff <= TOLERANCE
    if not ok:
        print("AGREEMENT CHECK FAILED", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
