"""The tidy per-domain tables of a set of participants, read from the database.

This is the only place where reports meet the ORM (DESIGN.md, "Data flows one
way"): it reads records and writes the tidy tables of
`oncotrial.analysis.tidy`, validated against that contract. Voided records
are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

import pandas as pd
from django.db.models import QuerySet

from oncotrial.analysis.tidy import DOMAINS, empty, validate
from oncotrial.clinical import staging
from oncotrial.participants.models import Participant
from oncotrial.protocol.eligibility import age_in_years

CHEMOTHERAPY = {"paclitaxel", "fluorouracil", "capecitabine", "cisplatin", "carboplatin"}
STRENGTH = ["", "unrelated", "unlikely", "possible", "probable", "definite"]


def _frame(domain: str, rows: Iterable[dict]) -> pd.DataFrame:
    rows = list(rows)
    if not rows:
        return empty(domain)
    frame = pd.DataFrame(rows, columns=list(DOMAINS[domain]))
    for column, kind in DOMAINS[domain].items():
        if kind == "date":
            frame[column] = pd.to_datetime(frame[column])
        elif kind == "int":
            frame[column] = frame[column].astype("int64")
        elif kind == "float":
            frame[column] = frame[column].astype("float64")
        elif kind == "bool":
            frame[column] = frame[column].astype("bool")
        else:
            frame[column] = frame[column].fillna("").astype("object")
    return validate(domain, frame)


def _local_date(value, time_zone: str):
    return value.astimezone(ZoneInfo(time_zone)).date() if value else None


def tidy_tables(participants: QuerySet[Participant]) -> dict[str, pd.DataFrame]:
    """DM, IE, DS, EX, PR, TR, RS, AE and SS for `participants`."""
    from oncotrial.screening import services as screening

    people = list(
        participants.filter(voided_at__isnull=True)
        .select_related("site", "allocation")
        .prefetch_related("screenings", "cycles__doses", "radiotherapy__targets", "follow_ups")
    )
    dm, ie, ds, ex, pr, tr, rs, ae, ss = ([] for _ in range(9))
    for p in people:
        sid, zone = p.screening_number, p.site.time_zone
        allocation = getattr(p, "allocation", None)
        last = max(
            (s for s in p.screenings.all() if s.voided_at is None),
            key=lambda s: s.number,
            default=None,
        )
        organs = None
        if last is not None and last.metastatic_sites:
            count = staging.metastatic_organ_count(
                [
                    staging.DistantMetastasis(staging.MetastasisSite(m))
                    for m in last.metastatic_sites
                ]
            )
            organs = "1" if count <= 1 else "2+"
        dm.append(
            {
                "USUBJID": sid,
                "SITEID": p.site.code,
                "AGE": age_in_years(p.date_of_birth, p.screening_date),
                "SEX": p.sex,
                "SCRNDT": p.screening_date,
                "COHORT": allocation.cohort if allocation else "",
                "ARMCD": allocation.arm if allocation else "",
                "ALLOCDT": _local_date(allocation.allocated_at, zone) if allocation else None,
                "INDRESP": (last.induction_response if last else "") or "",
                "METORG": organs or "",
                "ECOG": last.ecog if last and last.ecog is not None else -1,
            }
        )
        if last is not None:
            result, _ = screening.evaluate(p, screening.evidence_values(last))
            ie += [
                {
                    "USUBJID": sid,
                    "IETESTCD": r.criterion_id,
                    "IECAT": r.kind,
                    "IEORRES": str(r.status),
                }
                for r in result.results
            ]
            if last.outcome != "in_progress":
                ds.append(
                    {
                        "USUBJID": sid,
                        "DSDECOD": "SCREEN_FAILURE",
                        "DSTERM": ",".join(last.failed_criteria)
                        or last.outcome_reason
                        or last.outcome,
                        "DSSTDT": last.closed_on,
                    }
                )
        if allocation:
            ds.append(
                {
                    "USUBJID": sid,
                    "DSDECOD": "ALLOCATED",
                    "DSTERM": allocation.cohort,
                    "DSSTDT": _local_date(allocation.allocated_at, zone),
                }
            )
        cycles = [c for c in p.cycles.all() if c.voided_at is None]
        if cycles:
            ds.append(
                {
                    "USUBJID": sid,
                    "DSDECOD": "TREATED",
                    "DSTERM": "",
                    "DSSTDT": min(c.given_on for c in cycles),
                }
            )
        for c in cycles:
            for d in c.doses.all():
                if d.voided_at is None:
                    ex.append(
                        {
                            "USUBJID": sid,
                            "EXTRT": d.agent,
                            "EXCAT": "chemotherapy" if d.agent in CHEMOTHERAPY else "pd1",
                            "EXCYCLE": c.number,
                            "EXDOSE": float(d.given_mg),
                            "EXDOSU": "mg",
                            "EXSTDT": c.given_on,
                        }
                    )
        for course in p.radiotherapy.all():
            if course.voided_at is not None:
                continue
            for t in course.targets.all():
                if t.voided_at is None:
                    pr.append(
                        {
                            "USUBJID": sid,
                            "PRCAT": course.intent,
                            "PRLOC": t.organ if t.target == "metastasis" else t.target,
                            "PRDOSE": float(t.total_dose_gy),
                            "PRFRACT": t.fractions,
                            "PRSTDT": course.started_on,
                            "PRENDT": course.ended_on,
                        }
                    )
        for f in p.follow_ups.all():
            if f.voided_at is not None:
                continue
            if f.status == "dead" and f.death_on:
                ds.append(
                    {
                        "USUBJID": sid,
                        "DSDECOD": "DEATH",
                        "DSTERM": f.death_cause,
                        "DSSTDT": f.death_on,
                    }
                )
                ss.append({"USUBJID": sid, "SSDT": f.death_on, "SSSTRESC": "DEAD"})
            else:
                if f.status == "lost":
                    ds.append(
                        {
                            "USUBJID": sid,
                            "DSDECOD": "LOST_TO_FOLLOW_UP",
                            "DSTERM": "",
                            "DSSTDT": f.contact_on,
                        }
                    )
                elif f.status == "withdrawn":
                    ds.append(
                        {
                            "USUBJID": sid,
                            "DSDECOD": "WITHDRAWN",
                            "DSTERM": "",
                            "DSSTDT": f.contact_on,
                        }
                    )
                ss.append(
                    {
                        "USUBJID": sid,
                        "SSDT": f.last_known_alive or f.contact_on,
                        "SSSTRESC": "ALIVE",
                    }
                )
        tr += _tumour(p)
        rs += _responses(p)
        ae += _adverse_events(p)
    return {
        "DM": _frame("DM", dm),
        "IE": _frame("IE", ie),
        "DS": _frame("DS", ds),
        "EX": _frame("EX", ex),
        "PR": _frame("PR", pr),
        "TR": _frame("TR", tr),
        "RS": _frame("RS", rs),
        "AE": _frame("AE", ae),
        "SS": _frame("SS", ss),
    }


def _tumour(p: Participant) -> list[dict]:
    from oncotrial.response.models import Measurement

    rows = []
    measurements = Measurement.objects.filter(
        assessment__participant=p, voided_at__isnull=True, assessment__voided_at__isnull=True
    ).select_related("lesion", "assessment")
    for m in measurements:
        rows.append(
            {
                "USUBJID": p.screening_number,
                "TRLNKID": m.lesion.code,
                "TRROLE": m.lesion.role,
                "TRORGAN": m.lesion.organ,
                "TRNODAL": m.lesion.nodal,
                "TRSTRESN": float(m.value_mm) if m.value_mm is not None else float("nan"),
                "TRSTRESC": "" if m.state == "measured" else m.state,
                "TRDT": m.assessment.assessed_on,
            }
        )
    return rows


def _responses(p: Participant) -> list[dict]:
    from oncotrial.response import services as response

    assessments = list(p.tumour_assessments.filter(voided_at__isnull=True).order_by("assessed_on"))
    if not assessments:
        return []
    rows = [
        {
            "USUBJID": p.screening_number,
            "RSCAT": "RECIST1.1",
            "RSTESTCD": "OVRLRESP",
            "RSSTRESC": a.computed.get("overall") or "",
            "RSDT": a.assessed_on,
        }
        for a in assessments[1:]
    ]
    rows += [
        {
            "USUBJID": p.screening_number,
            "RSCAT": "iRECIST",
            "RSTESTCD": "OVRLRESP",
            "RSSTRESC": a.computed_irecist.get("overall") or "",
            "RSDT": a.assessed_on,
        }
        for a in assessments[1:]
        if a.computed_irecist
    ]
    for criteria, result in [
        ("RECIST1.1", response.evaluate(p)),
        ("iRECIST", response.evaluate_irecist(p)),
    ]:
        if result and result["best_overall_response"]:
            rows.append(
                {
                    "USUBJID": p.screening_number,
                    "RSCAT": criteria,
                    "RSTESTCD": "BESTRESP",
                    "RSSTRESC": result["best_overall_response"],
                    "RSDT": None,
                }
            )
    return rows


def _adverse_events(p: Participant) -> list[dict]:
    rows = []
    for e in p.adverse_events.filter(voided_at__isnull=True).prefetch_related("attributions"):
        by = {a.intervention: a.attribution for a in e.attributions.all() if a.voided_at is None}

        def strongest(names: Iterable[str], by: dict = by) -> str:
            found = [by[n] for n in names if n in by]
            return max(found, key=STRENGTH.index, default="")

        rows.append(
            {
                "USUBJID": p.screening_number,
                "AEDECOD": e.term,
                "AEBODSYS": e.soc,
                "AETOXGR": e.grade,
                "AESER": e.serious,
                "AESTDT": e.onset_on,
                "AEENDT": e.resolved_on,
                "AERELRT": by.get("radiotherapy", ""),
                "AERELCT": strongest(CHEMOTHERAPY),
                "AERELIO": strongest(set(by) - CHEMOTHERAPY - {"radiotherapy"}),
                "AEIMMUNE": e.immune_related,
            }
        )
    return rows
