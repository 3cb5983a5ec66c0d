"""CONSORT counts: screened, excluded with reasons, allocated, treated, lost, analysed.

This module owns the numbers of the CONSORT flow diagram (issue 10 item 4;
CONSORT 2010 flow diagram, extended to the trial's two cohorts). It reads
ADSL (allocation, treatment, disposition, population flags), IE and DS.

Rows (`stage`, `cohort`, `arm`, `reason`, `n`); cohort and arm are empty
where a stage is not split:

- ``assessed``: every participant screened (DM);
- ``excluded``: screened but not allocated; ``excluded_reason``: one row per
  reason. A participant counts under every eligibility criterion that barred
  entry at the last screening (an inclusion not met, an exclusion met) or is
  still undecided ("insufficient evidence"), so reasons may add up to more
  than ``excluded``; one with no such criterion counts under the reason
  recorded with the screen failure in DS (DSTERM), or "no reason recorded";
- ``allocated``: per cohort (arm empty) and per cohort and allocated arm;
- ``treated`` / ``not_treated``: received any study treatment (SAFFL);
- ``lost_to_follow_up``, ``withdrawn``, ``died``: from the disposition;
- ``analysed``: the intention-to-treat set (ITTFL: every allocated
  participant, analysed in the allocated arm); ``analysed_safety``: the
  safety set by allocated arm.
"""

from __future__ import annotations

import pandas as pd

from oncotrial.analysis.tables.groups import ARMS, COHORTS, ordered
from oncotrial.analysis.tidy import validate

COLUMNS = ("stage", "cohort", "arm", "reason", "n")
NO_REASON = "no reason recorded"


def consort_counts(adsl: pd.DataFrame, ie: pd.DataFrame, ds: pd.DataFrame) -> pd.DataFrame:
    """The CONSORT flow counts, one row per stage (and cohort, arm, reason)."""
    validate("IE", ie)
    validate("DS", ds)
    rows: list[tuple[str, str, str, str, int]] = [("assessed", "", "", "", len(adsl))]
    excluded = adsl.loc[adsl["ITTFL"] != "Y", "USUBJID"]
    rows.append(("excluded", "", "", "", len(excluded)))
    rows += [("excluded_reason", "", "", r, n) for r, n in _reasons(excluded, ie, ds)]

    itt = adsl.loc[adsl["ITTFL"] == "Y"]
    for cohort in ordered(itt["COHORT"], COHORTS):
        in_cohort = itt.loc[itt["COHORT"] == cohort]
        rows.append(("allocated", cohort, "", "", len(in_cohort)))
        for arm in ordered(in_cohort["TRT01P"], ARMS):
            g = in_cohort.loc[in_cohort["TRT01P"] == arm]
            treated = int((g["SAFFL"] == "Y").sum())
            rows += [
                ("allocated", cohort, arm, "", len(g)),
                ("treated", cohort, arm, "", treated),
                ("not_treated", cohort, arm, "", len(g) - treated),
                ("lost_to_follow_up", cohort, arm, "", int(g["LTFUDT"].notna().sum())),
                ("withdrawn", cohort, arm, "", int((g["DCSREAS"] == "WITHDRAWN").sum())),
                ("died", cohort, arm, "", int(g["DTHDT"].notna().sum())),
                ("analysed", cohort, arm, "", len(g)),
                ("analysed_safety", cohort, arm, "", treated),
            ]
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    return out.astype({"n": "int64"})


def _reasons(excluded: pd.Series, ie: pd.DataFrame, ds: pd.DataFrame) -> list[tuple[str, int]]:
    ie = ie.loc[ie["USUBJID"].isin(excluded)]
    inclusion = ie["IECAT"] == "inclusion"
    barred = (inclusion & (ie["IEORRES"] == "not_met")) | (~inclusion & (ie["IEORRES"] == "met"))
    undecided = ie["IEORRES"] == "insufficient"
    label = pd.Series("", index=ie.index)
    label = label.mask(barred & inclusion, ie["IETESTCD"] + ": inclusion criterion not met")
    label = label.mask(barred & ~inclusion, ie["IETESTCD"] + ": exclusion criterion met")
    label = label.mask(undecided, ie["IETESTCD"] + ": insufficient evidence")
    reasons = pd.DataFrame({"USUBJID": ie["USUBJID"], "reason": label})
    reasons = reasons.loc[reasons["reason"] != ""].drop_duplicates()
    by_ie = set(reasons["USUBJID"])

    rest = excluded.loc[~excluded.isin(by_ie)]
    failures = ds.loc[(ds["DSDECOD"] == "SCREEN_FAILURE") & ds["USUBJID"].isin(rest)]
    failures = failures.sort_values("DSSTDT").drop_duplicates("USUBJID", keep="last")
    recorded = failures.set_index("USUBJID")["DSTERM"].replace("", NO_REASON)
    other = pd.DataFrame(
        {"USUBJID": rest.to_numpy(), "reason": rest.map(recorded).fillna(NO_REASON).to_numpy()}
    )
    counts = pd.concat([reasons, other]).groupby("reason")["USUBJID"].nunique()
    # criteria in protocol order (inclusions I*, then exclusions E*), then other reasons
    criteria = sorted((r for r in counts.index if r in set(reasons["reason"])), key=_criterion_key)
    others = sorted(r for r in counts.index if r not in set(criteria))
    return [(r, int(counts[r])) for r in [*criteria, *others]]


def _criterion_key(reason: str) -> tuple[int, int, str]:
    ident = reason.split(":", 1)[0]
    kind = {"I": 0, "E": 1}.get(ident[:1], 2)
    number = int(ident[1:]) if ident[1:].isdigit() else 0
    return (kind, number, reason)
