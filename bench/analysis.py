"""Benchmark: derived datasets plus every trial analysis on up to 100,000 synthetic participants.

Builds synthetic tidy tables (DM, IE, DS, EX, PR, TR, RS, AE, SS) with numpy
inside this script, then times, per size (default 25k, 50k, 100k
participants, each in a fresh process so its peak memory is its own):

- derivation: ADSL, ADTTE, ADRS, ADTR, ADAE (``oncotrial.analysis.derive``);
- analyses: Kaplan-Meier, stratified log-rank and Cox (arm, strata cohort)
  for OS, PFS, iPFS and time to salvage radiotherapy, per cohort and
  combined; subgroup hazard ratios; Table 1, the response table with exact
  intervals, AE incidence tables, CONSORT counts; the Kaplan-Meier, forest,
  AE and CONSORT figures (the waterfall and swimmer plots draw one bar per
  participant and are meant for the trial's 120, so they are timed on a
  120-participant cut).

It prints wall time per stage, the CPU time of the whole (which other load on
the machine does not inflate), peak resident memory above the process's
baseline after imports, their growth per participant across sizes, and the
ratio of the total to a baseline measured in the same run: lifelines'
``KaplanMeierFitter`` on the same 100k OS rows.

Run: ``.venv/bin/python bench/analysis.py`` (target: under 60 s at 100k on 2
cores; memory growing linearly). ``--sizes 1000 5000`` for a quick run.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import resource
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

START = np.datetime64("2024-01-01", "D")
CUT_DAY = 4 * 365 + 180  # data cut-off, days after START
SITES = 20
CRITERIA = [("I1", "inclusion"), ("I2", "inclusion"), ("I3", "inclusion"), ("I4", "inclusion"),
            ("I5", "inclusion"), ("I6", "inclusion"), ("I7", "inclusion"), ("I8", "inclusion"),
            ("E1", "exclusion"), ("E2", "exclusion"), ("E3", "exclusion"), ("E4", "exclusion"),
            ("E5", "exclusion"), ("E6", "exclusion")]  # fmt: skip
AE_TERMS = [
    ("Anemia", "Blood and lymphatic system disorders"),
    ("Neutrophil count decreased", "Investigations"),
    ("Platelet count decreased", "Investigations"),
    ("White blood cell decreased", "Investigations"),
    ("Esophagitis", "Gastrointestinal disorders"),
    ("Nausea", "Gastrointestinal disorders"),
    ("Vomiting", "Gastrointestinal disorders"),
    ("Dysphagia", "Gastrointestinal disorders"),
    ("Pneumonitis", "Respiratory, thoracic and mediastinal disorders"),
    ("Fatigue", "General disorders and administration site conditions"),
    ("Peripheral sensory neuropathy", "Nervous system disorders"),
    ("Hypothyroidism", "Endocrine disorders"),
    ("Rash maculo-papular", "Skin and subcutaneous tissue disorders"),
    ("Alanine aminotransferase increased", "Investigations"),
    ("Anorexia", "Metabolism and nutrition disorders"),
]
ATTRIBUTION = np.array(["unrelated", "unlikely", "possible", "probable", "definite"], dtype=object)
INTERVAL = 42  # tumour assessment every 42 days (protocol visit TA{n})


def _dates(days: np.ndarray) -> np.ndarray:
    """Days after START (float, NaN = missing) as datetime64[ns]."""
    out = np.full(days.shape, np.datetime64("NaT"), dtype="datetime64[ns]")
    ok = ~np.isnan(days)
    out[ok] = (START + days[ok].astype("int64").astype("timedelta64[D]")).astype("datetime64[ns]")
    return out


def _ids(prefix: str, numbers: np.ndarray) -> np.ndarray:
    return np.array([f"{prefix}{i:06d}" for i in numbers], dtype=object)


def synthetic_tables(n: int, seed: int = 20240101) -> dict[str, pd.DataFrame]:
    """Tidy tables for `n` screened participants of an ESO-RT-like trial (about 85 % allocated)."""
    rng = np.random.default_rng(seed)
    idx = np.arange(n)
    usubjid = _ids("ESO-", idx + 1)
    scrn_day = rng.integers(0, 3 * 365, n).astype(float)
    failed = rng.random(n) < 0.15
    alloc = ~failed
    alloc_day = np.where(alloc, scrn_day + rng.integers(3, 21, n), np.nan)
    cohort = np.where(alloc, np.where(rng.random(n) < 0.7, "randomized", "preference"), "")
    arm = np.where(alloc, np.where(rng.random(n) < 0.5, "consolidation", "salvage"), "")
    dm = pd.DataFrame(
        {
            "USUBJID": usubjid,
            "SITEID": np.array([f"S{i:02d}" for i in rng.integers(1, SITES + 1, n)], dtype=object),
            "AGE": np.clip(np.round(rng.normal(62, 8, n)), 30, 85).astype("int64"),
            "SEX": np.where(rng.random(n) < 0.8, "M", "F").astype(object),
            "SCRNDT": _dates(scrn_day),
            "COHORT": cohort.astype(object),
            "ARMCD": arm.astype(object),
            "ALLOCDT": _dates(alloc_day),
            "INDRESP": rng.choice(
                np.array(["CR", "PR", "SD"], dtype=object), n, p=[0.1, 0.85, 0.05]
            ),
            "METORG": rng.choice(np.array(["1", "2+"], dtype=object), n, p=[0.55, 0.45]),
            "ECOG": rng.integers(0, 2, n).astype("int64"),
        }
    )

    # latent course, days from allocation
    a = np.flatnonzero(alloc)
    m = a.size
    fu = CUT_DAY - alloc_day[a]
    hr = np.where(arm[a] == "consolidation", 0.75, 1.0)
    pfs_latent = rng.exponential(270 / np.log(2) / hr)
    death_first = rng.random(m) < 0.1
    death_latent = np.where(
        death_first, pfs_latent, pfs_latent + rng.exponential(240 / np.log(2), m)
    )
    lost = rng.random(m) < 0.03
    withdrawn = ~lost & (rng.random(m) < 0.02)
    leave = np.where(lost | withdrawn, rng.uniform(0, 1, m) * fu, np.inf)
    obs_end = np.minimum(fu, leave)
    died = death_latent < obs_end
    death_day = np.where(died, np.floor(death_latent), np.nan)
    alive_until = np.where(died, death_day, obs_end)
    n_visits = np.floor(alive_until / INTERVAL).astype("int64")
    pd_visit = np.where(death_first, 10**6, np.ceil(np.maximum(pfs_latent, 1) / INTERVAL))
    progressed = pd_visit <= n_visits
    n_visits = np.where(progressed, pd_visit, n_visits).astype("int64")
    pd_day = np.where(progressed, pd_visit * INTERVAL, np.nan)
    treated = rng.random(m) < 0.97
    shrink = rng.uniform(0.25, 1.05, m)
    complete = rng.random(m) < 0.05
    shrink = np.where(complete, 0.0, shrink)

    # tumour assessments: visit k = 1..n_visits, day 42 k +- 5, some skipped
    vp = np.repeat(np.arange(m), n_visits)
    vk = np.concatenate([np.arange(1, c + 1) for c in n_visits]) if m else np.array([], int)
    vday = vk * INTERVAL + rng.integers(-5, 6, vp.size)
    is_pd = progressed[vp] & (vk == pd_visit[vp])
    vday = np.where(is_pd, pd_day[vp], vday)
    keep = is_pd | (rng.random(vp.size) > 0.03)
    vp, vk, vday, is_pd = vp[keep], vk[keep], vday[keep], is_pd[keep]
    factor = 1.0 - (1.0 - shrink[vp]) * np.minimum(vk, 2) / 2.0
    factor = np.where(is_pd, np.maximum(factor, 0.2) * 1.35 + 0.2, factor)
    ne = ~is_pd & (rng.random(vp.size) < 0.04)
    code = np.select(
        [is_pd, ne, factor == 0.0, factor <= 0.7], ["PD", "NE", "CR", "PR"], "SD"
    ).astype(object)

    # lesions: 3 targets per allocated participant, baseline 7 days before allocation
    base_mm = rng.uniform(12, 40, (m, 3)).round(1)
    tr_p = np.concatenate([np.repeat(np.arange(m), 3), np.repeat(vp, 3)])
    tr_l = np.concatenate([np.tile(np.arange(3), m), np.tile(np.arange(3), vp.size)])
    tr_f = np.concatenate([np.ones(3 * m), np.repeat(factor, 3)])
    tr_day = np.concatenate([np.full(3 * m, -7.0), np.repeat(vday, 3).astype(float)])
    unread = np.concatenate([np.zeros(3 * m, bool), np.repeat(ne, 3)]) & (tr_l == 0)
    size = (base_mm[tr_p, tr_l] * tr_f).round(1)
    size = np.where(unread, np.nan, size)
    disappeared = ~unread & (size == 0.0)
    size = np.where(disappeared, np.nan, size)
    tr = pd.DataFrame(
        {
            "USUBJID": usubjid[a][tr_p],
            "TRLNKID": np.array(["T1", "T2", "T3"], dtype=object)[tr_l],
            "TRROLE": "target",
            "TRORGAN": np.array(["oesophagus", "lymph nodes", "liver"], dtype=object)[tr_l],
            "TRNODAL": tr_l == 1,
            "TRSTRESN": size,
            "TRSTRESC": np.where(disappeared, "disappeared", "").astype(object),
            "TRDT": _dates(alloc_day[a][tr_p] + tr_day),
        }
    )

    # iRECIST: the PD time point is iUPD; some progressors have one more scan
    more = progressed & (pd_day + INTERVAL < alive_until) & (rng.random(m) < 0.6)
    more_code = np.where(rng.random(m) < 0.8, "iCPD", "iSD")
    iprefix = {"CR": "iCR", "PR": "iPR", "SD": "iSD", "NE": "NE", "PD": "iUPD"}
    icode = pd.Series(code).map(iprefix).to_numpy(dtype=object)
    extra = np.flatnonzero(more)
    rank = {"CR": 0, "PR": 1, "SD": 2, "PD": 3, "NE": 4}
    best_rank = np.full(m, 4)
    np.minimum.at(best_rank, vp, pd.Series(code).map(rank).to_numpy())
    best = np.array(["CR", "PR", "SD", "PD", "NE"], dtype=object)[best_rank]
    ibest = pd.Series(best).map(iprefix).to_numpy(dtype=object)
    confirmed = more & (more_code == "iCPD")
    ibest = np.where(confirmed & (best == "PD"), "iCPD", ibest)
    last_day = np.zeros(m)
    np.maximum.at(last_day, vp, vday.astype(float))
    has_visit = np.bincount(vp, minlength=m) > 0
    rs_day = lambda d, p: _dates(alloc_day[a][p] + d)  # noqa: E731
    rs = pd.concat(
        [
            pd.DataFrame({"USUBJID": usubjid[a][vp], "RSCAT": "RECIST1.1",
                          "RSTESTCD": "OVRLRESP", "RSSTRESC": code, "RSDT": rs_day(vday, vp)}),
            pd.DataFrame({"USUBJID": usubjid[a][vp], "RSCAT": "iRECIST",
                          "RSTESTCD": "OVRLRESP", "RSSTRESC": icode, "RSDT": rs_day(vday, vp)}),
            pd.DataFrame({"USUBJID": usubjid[a][extra], "RSCAT": "iRECIST",
                          "RSTESTCD": "OVRLRESP", "RSSTRESC": more_code[extra].astype(object),
                          "RSDT": rs_day(pd_day[extra] + INTERVAL, extra)}),
            pd.DataFrame({"USUBJID": usubjid[a][has_visit], "RSCAT": "RECIST1.1",
                          "RSTESTCD": "BESTRESP", "RSSTRESC": best[has_visit],
                          "RSDT": rs_day(last_day[has_visit], np.flatnonzero(has_visit))}),
            pd.DataFrame({"USUBJID": usubjid[a][has_visit], "RSCAT": "iRECIST",
                          "RSTESTCD": "BESTRESP", "RSSTRESC": ibest[has_visit],
                          "RSDT": rs_day(last_day[has_visit], np.flatnonzero(has_visit))}),
        ],
        ignore_index=True,
    )  # fmt: skip

    # systemic therapy: 4 cycles q21d of chemotherapy and the PD-1 inhibitor until progression
    stop = np.fmin(np.fmin(pd_day, death_day), obs_end)
    cyc_p = np.repeat(np.flatnonzero(treated), 4)
    cyc_c = np.tile(np.arange(1, 5), int(treated.sum()))
    cyc_day = 2 + 21 * (cyc_c - 1)
    ok = cyc_day < stop[cyc_p]
    cyc_p, cyc_c, cyc_day = cyc_p[ok], cyc_c[ok], cyc_day[ok]
    new_p = np.flatnonzero(progressed & (rng.random(m) < 0.6) & (pd_day + 21 < alive_until))
    new_p2 = np.flatnonzero(~progressed & (rng.random(m) < 0.03) & (alive_until > 60))
    new_day = np.concatenate([pd_day[new_p] + 21, np.floor(alive_until[new_p2] / 2)])
    new_all = np.concatenate([new_p, new_p2])
    k, j = cyc_p.size, new_all.size
    cycle_dates = alloc_day[a][cyc_p] + cyc_day

    def text(*parts: tuple[int, str]) -> np.ndarray:
        return np.concatenate([np.full(size, value, dtype=object) for size, value in parts])

    ex = pd.DataFrame(
        {
            "USUBJID": np.concatenate([usubjid[a][cyc_p], usubjid[a][cyc_p], usubjid[a][new_all]]),
            "EXTRT": text((k, "paclitaxel"), (k, "sintilimab"), (j, "docetaxel")),
            "EXCAT": text((k, "chemotherapy"), (k, "pd1"), (j, "subsequent")),
            "EXCYCLE": np.concatenate([cyc_c, cyc_c, np.ones(j, int)]).astype("int64"),
            "EXDOSE": np.concatenate([np.full(k, 175.0), np.full(k, 200.0), np.full(j, 75.0)]),
            "EXDOSU": text((k, "mg/m2"), (k, "mg"), (j, "mg/m2")),
            "EXSTDT": _dates(
                np.concatenate([cycle_dates, cycle_dates, alloc_day[a][new_all] + new_day])
            ),
        }
    )

    # radiotherapy: consolidation after the cycles; salvage at progression
    cons = treated & (arm[a] == "consolidation") & (stop > 110) & (rng.random(m) < 0.9)
    salv = (
        progressed
        & treated
        & (pd_day + 14 < alive_until)
        & (rng.random(m) < np.where(arm[a] == "salvage", 0.6, 0.2))
    )
    rt_p = np.concatenate([np.flatnonzero(cons), np.flatnonzero(salv)])
    n_cons = int(cons.sum())
    rt_start = np.concatenate([84.0 + rng.integers(0, 20, n_cons), pd_day[salv] + 14])
    pr = pd.DataFrame(
        {
            "USUBJID": usubjid[a][rt_p],
            "PRCAT": np.concatenate([np.full(int(cons.sum()), "consolidation", object),
                                     np.full(int(salv.sum()), "salvage", object)]),
            "PRLOC": "primary",
            "PRDOSE": 50.0,
            "PRFRACT": np.full(rt_p.size, 25, dtype="int64"),
            "PRSTDT": _dates(alloc_day[a][rt_p] + rt_start),
            "PRENDT": _dates(alloc_day[a][rt_p] + rt_start + 34),
        }
    )  # fmt: skip

    # adverse events of treated participants
    tre = np.flatnonzero(treated)
    n_ae = rng.poisson(3, tre.size)
    ae_p = np.repeat(tre, n_ae)
    term = rng.integers(0, len(AE_TERMS), ae_p.size)
    last_dose = np.where(cons, 84 + 40, 65)[ae_p]
    span = np.minimum(last_dose + 100, alive_until[ae_p] + 1)
    ae_day = np.floor(rng.uniform(-0.05, 1, ae_p.size) * span)
    grade = rng.choice(np.arange(1, 6), ae_p.size, p=[0.45, 0.3, 0.18, 0.06, 0.01]).astype("int64")
    ae = pd.DataFrame(
        {
            "USUBJID": usubjid[a][ae_p],
            "AEDECOD": np.array([t for t, _ in AE_TERMS], dtype=object)[term],
            "AEBODSYS": np.array([s for _, s in AE_TERMS], dtype=object)[term],
            "AETOXGR": grade,
            "AESER": (grade >= 3) & (rng.random(ae_p.size) < 0.4),
            "AESTDT": _dates(alloc_day[a][ae_p] + ae_day),
            "AEENDT": _dates(alloc_day[a][ae_p] + ae_day + rng.integers(1, 30, ae_p.size)),
            "AERELRT": rng.choice(ATTRIBUTION, ae_p.size),
            "AERELCT": rng.choice(ATTRIBUTION, ae_p.size),
            "AERELIO": rng.choice(ATTRIBUTION, ae_p.size),
            "AEIMMUNE": rng.random(ae_p.size) < 0.1,
        }
    )

    # survival status: one contact per allocated participant
    contact = np.where(died, death_day, np.floor(np.maximum(obs_end - rng.uniform(0, 30, m), 0)))
    ss = pd.DataFrame(
        {
            "USUBJID": usubjid[a],
            "SSDT": _dates(alloc_day[a] + contact),
            "SSSTRESC": np.where(died, "DEAD", "ALIVE").astype(object),
        }
    )

    # eligibility: all criteria for everyone; a screen failure fails one (or declines)
    f = np.flatnonzero(failed)
    declined = rng.random(f.size) < 0.2
    fail_crit = rng.integers(0, len(CRITERIA), f.size)
    crit_id = np.array([c for c, _ in CRITERIA], dtype=object)
    crit_kind = np.array([k for _, k in CRITERIA], dtype=object)
    ie_p = np.repeat(idx, len(CRITERIA))
    ie_c = np.tile(np.arange(len(CRITERIA)), n)
    inclusion = crit_kind[ie_c] == "inclusion"
    bars = np.zeros(n * len(CRITERIA), bool)
    bars[f[~declined] * len(CRITERIA) + fail_crit[~declined]] = True
    ie = pd.DataFrame(
        {
            "USUBJID": usubjid[ie_p],
            "IETESTCD": crit_id[ie_c],
            "IECAT": crit_kind[ie_c],
            "IEORRES": np.where(inclusion != bars, "met", "not_met").astype(object),
        }
    )

    # disposition
    first_dose = alloc_day[a] + 2
    reasons = np.where(
        declined, "declined participation", "criterion " + crit_id[fail_crit] + " barred entry"
    )
    ds_parts = [
        (usubjid[f], "SCREEN_FAILURE", reasons.astype(object), scrn_day[f] + 7),
        (usubjid[a], "ALLOCATED", "", alloc_day[a]),
        (usubjid[a][treated], "TREATED", "", first_dose[treated]),
        (usubjid[a][died], "DEATH", "", alloc_day[a][died] + death_day[died]),
        (usubjid[a][lost & ~died], "LOST_TO_FOLLOW_UP", "", (alloc_day[a] + obs_end)[lost & ~died]),
        (usubjid[a][withdrawn & ~died], "WITHDRAWN", "withdrew consent",
         (alloc_day[a] + obs_end)[withdrawn & ~died]),
    ]  # fmt: skip
    ds = pd.concat(
        [
            pd.DataFrame({"USUBJID": u, "DSDECOD": d, "DSTERM": t, "DSSTDT": _dates(np.floor(day))})
            for u, d, t, day in ds_parts
        ],
        ignore_index=True,
    )
    return {
        "DM": dm,
        "IE": ie,
        "DS": ds,
        "EX": ex,
        "PR": pr,
        "TR": tr,
        "RS": rs,
        "AE": ae,
        "SS": ss,
    }


# ---------------------------------------------------------------- one run


def _timed(timings: dict[str, float], name: str, work: Callable[[], Any]) -> Any:
    # wall time, and this process's CPU time, which other load on the machine does not inflate
    start, cpu = time.perf_counter(), time.process_time()
    result = work()
    timings[name] = time.perf_counter() - start
    timings[f"cpu:{name}"] = time.process_time() - cpu
    return result


def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_once(n: int, seed: int, workdir: Path) -> dict[str, Any]:
    """Generate, derive and analyse `n` participants; wall times (s) per stage and peak memory."""
    from lifelines import KaplanMeierFitter

    from oncotrial.analysis import figures, tables
    from oncotrial.analysis.derive import best_percent_change, derive_all

    base_rss = _peak_rss_mb()
    t: dict[str, float] = {}
    tidy = _timed(t, "generate", lambda: synthetic_tables(n, seed))
    d = _timed(t, "derive", lambda: derive_all(tidy))

    def survival() -> list[pd.DataFrame]:
        out = []
        for paramcd in ("OS", "PFS", "IPFS", "TTSRT"):
            out.append(tables.survival_summary(d.adtte, paramcd))
            out.append(tables.arm_comparison(d.adtte, paramcd))
        return out

    made = {}
    made["survival"] = _timed(t, "survival", survival)
    made["subgroups"] = _timed(
        t, "subgroups", lambda: tables.subgroup_hazard_ratios(d.adtte, d.adsl, "PFS")
    )
    made["table1"] = _timed(t, "table1", lambda: tables.table1(d.adsl))
    made["response"] = _timed(t, "response", lambda: tables.response_table(d.adrs, d.adsl))
    made["ae"] = _timed(t, "ae_incidence", lambda: tables.ae_incidence(d.adae, d.adsl))
    made["consort"] = _timed(
        t, "consort", lambda: tables.consort_counts(d.adsl, tidy["IE"], tidy["DS"])
    )

    def write() -> None:
        named = {"table1": made["table1"], "response": made["response"], "ae": made["ae"],
                 "consort": made["consort"], "subgroups": made["subgroups"]}  # fmt: skip
        named.update({f"survival_{i}": f for i, f in enumerate(made["survival"])})
        for name, frame in named.items():
            tables.write_table(frame, workdir / name)

    _timed(t, "write_tables", write)

    def draw() -> None:
        pfs = d.adtte.loc[(d.adtte["PARAMCD"] == "PFS") & (d.adtte["COHORT"] == "randomized")]
        figures.km_figure(pfs, path=workdir / "km.png")
        figures.forest_figure(made["subgroups"], path=workdir / "forest.png")
        figures.ae_chart(made["ae"], "randomized", path=workdir / "ae.png")
        figures.consort_figure(made["consort"], path=workdir / "consort.png")

    _timed(t, "figures", draw)

    def per_participant_figures() -> None:
        # the waterfall and swimmer plots draw one bar per participant: the trial's 120
        first = set(d.adsl.loc[d.adsl["ITTFL"] == "Y", "USUBJID"].head(120))
        adsl = d.adsl.loc[d.adsl["USUBJID"].isin(first)]
        best = best_percent_change(d.adtr.loc[d.adtr["USUBJID"].isin(first)])
        figures.waterfall_figure(best, path=workdir / "waterfall.png")
        lanes = figures.swimmer_data(adsl, d.adrs.loc[d.adrs["USUBJID"].isin(first)], tidy["PR"])
        figures.swimmer_figure(lanes, path=workdir / "swimmer.png")

    _timed(t, "figures_120", per_participant_figures)
    peak = _peak_rss_mb() - base_rss

    os_rows = d.adtte.loc[d.adtte["PARAMCD"] == "OS"]

    def lifelines_km() -> None:
        KaplanMeierFitter().fit(os_rows["AVAL"], os_rows["CNSR"] == 0)

    lifelines_km()  # warm-up: imports and first-call costs
    _timed(t, "baseline_lifelines_km", lifelines_km)
    rows = {k: len(v) for k, v in tidy.items()}
    return {"n": n, "timings": t, "peak_rss_mb": peak, "rows": rows, "itt": len(os_rows)}


# ---------------------------------------------------------------- report

ANALYSIS_STAGES = ("derive", "survival", "subgroups", "table1", "response", "ae_incidence",
                   "consort", "write_tables", "figures", "figures_120")  # fmt: skip


def _child(n: int, seed: int) -> dict[str, Any]:
    """Run one size in a fresh interpreter so that its peak memory is its own."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, __file__, "--child", str(n), "--seed", str(seed), "--dir", tmp]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"the run with {n} participants failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _row(name: str, cells: list[str]) -> None:
    print(f"{name:<24}" + "".join(f"{c:>12}" for c in cells))


def _report(results: list[dict[str, Any]]) -> None:
    print(f"python {platform.python_version()}, {os.cpu_count()} CPU(s), {platform.machine()}")
    print("\nwall time (s) by participants screened")
    _row("stage", [f"{r['n']:,}" for r in results])
    for stage in ("generate", *ANALYSIS_STAGES):
        _row(stage, [f"{r['timings'][stage]:.2f}" for r in results])
    totals = [sum(r["timings"][s] for s in ANALYSIS_STAGES) for r in results]
    cpu = [sum(r["timings"][f"cpu:{s}"] for s in ANALYSIS_STAGES) for r in results]
    _row("derive + analyses", [f"{x:.2f}" for x in totals])
    _row("  of which CPU time", [f"{x:.2f}" for x in cpu])
    _row("peak RSS above start", [f"{r['peak_rss_mb']:.0f} MB" for r in results])

    print("\nper participant")
    _row("ms (CPU)", [f"{1000 * x / r['n']:.4f}" for x, r in zip(cpu, results, strict=True)])
    _row("kB", [f"{1024 * r['peak_rss_mb'] / r['n']:.2f}" for r in results])
    if len(results) > 1:
        # fixed costs (imports, fonts, first calls) cancel out of the marginal cost:
        # equal values across sizes mean linear growth
        print("marginal, between consecutive sizes")
        steps = list(itertools.pairwise(zip(results, cpu, strict=True)))
        ms = [1000 * (t1 - t0) / (r1["n"] - r0["n"]) for (r0, t0), (r1, t1) in steps]
        kb = [
            1024 * (r1["peak_rss_mb"] - r0["peak_rss_mb"]) / (r1["n"] - r0["n"])
            for (r0, _), (r1, _) in steps
        ]
        _row("ms (CPU)", ["", *(f"{x:.4f}" for x in ms)])
        _row("kB", ["", *(f"{x:.2f}" for x in kb)])

    largest = results[-1]
    base = largest["timings"]["baseline_lifelines_km"]
    print(
        f"\nbaseline, same run: lifelines KaplanMeierFitter on the {largest['itt']:,} OS rows"
        f" of {largest['n']:,} participants: {base:.3f} s"
    )
    print(f"ratio (derive + all analyses) / baseline: {totals[-1] / base:,.0f}x")
    verdict = "met" if totals[-1] < 60 else "NOT met"
    print(f"target < 60 s at {largest['n']:,}: {verdict} ({totals[-1]:.1f} s)")
    print(
        "rows at the largest size: " + ", ".join(f"{k} {v:,}" for k, v in largest["rows"].items())
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[25_000, 50_000, 100_000])
    parser.add_argument("--seed", type=int, default=20240101)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    if args.child is not None:
        print(json.dumps(run_once(args.child, args.seed, args.dir)))
        return 0
    results = [_child(n, args.seed) for n in sorted(args.sizes)]
    _report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
