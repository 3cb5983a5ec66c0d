"""Journeys as the platform's tidy per-domain tables (`oncotrial.analysis.tidy`).

This module owns the mapping from journey records to the DM, IE, DS, EX,
PR, TR, RS, AE and SS tables of the tidy contract, plus a specimen list.
Every table is checked with `tidy.validate` before it is returned; columns
beyond the contract (VISIT, RFICDT, planned doses ...) are extra, which the
contract allows. Responses in RS are the engines' (`TumourCourse.recist`,
`.irecist`), never the simulated ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from oncotrial.analysis.tidy import DOMAINS, validate
from oncotrial.clinical.recist import NewLesions, Response
from oncotrial.clinical.recist_lesions import Lesion, Reading, ReadingKind, Role
from oncotrial.clinical.staging import metastatic_organ_count
from oncotrial.design.cohort.assignment import count_level
from oncotrial.design.cohort.journeys import Journey, TumourCourse
from oncotrial.protocol.eligibility import age_in_years

METASTATIC_ORGAN_LEVELS = ("1", "2+")
_DTYPES = {"str": "object", "float": "float64", "bool": "bool"}


def tidy_tables(
    journeys: Sequence[Journey], organ_levels: Sequence[str] = METASTATIC_ORGAN_LEVELS
) -> dict[str, pd.DataFrame]:
    """Every domain of the tidy contract, validated."""
    builders = {
        "DM": lambda: _dm(journeys, organ_levels),
        "IE": lambda: _ie(journeys),
        "DS": lambda: _ds(journeys),
        "EX": lambda: _ex(journeys),
        "PR": lambda: _pr(journeys),
        "TR": lambda: _tr(journeys),
        "RS": lambda: _rs(journeys),
        "AE": lambda: _ae(journeys),
        "SS": lambda: _ss(journeys),
    }
    return {domain: validate(domain, build()) for domain, build in builders.items()}


def specimen_table(journeys: Sequence[Journey]) -> pd.DataFrame:
    columns = ["SPECID", "USUBJID", "COLLECTION", "TIMEPOINT", "SPECTYPE", "SPECDT"]
    rows = [
        (s.id, j.usubjid, s.collection, s.timepoint, s.type, s.date)
        for j in journeys
        for s in j.specimens
    ]
    return _frame(columns, rows, {"SPECDT": "date"})


def _frame(
    columns: Sequence[str], rows: Iterable[tuple[Any, ...]], kinds: dict[str, str]
) -> pd.DataFrame:
    """A frame with each column cast to its kind: dates to datetime64[ns], ints nullable if NA."""
    frame = pd.DataFrame.from_records(list(rows), columns=list(columns))
    for column in columns:
        kind = kinds.get(column, "str")
        series = frame[column]
        if kind == "date":
            frame[column] = pd.to_datetime(series).astype("datetime64[ns]")
        elif kind == "int":
            has_na = series.isna().any()
            frame[column] = series.astype("Int64" if has_na else "int64")
        else:
            frame[column] = series.astype(_DTYPES.get(kind, "object"))
    return frame


def _domain_frame(
    domain: str, rows: Iterable[tuple[Any, ...]], extra: Sequence[tuple[str, str]] = ()
) -> pd.DataFrame:
    kinds = {**DOMAINS[domain], **dict(extra)}
    return _frame([*DOMAINS[domain], *(name for name, _ in extra)], rows, kinds)


def _dm(journeys: Sequence[Journey], organ_levels: Sequence[str]) -> pd.DataFrame:
    rows = []
    for j in journeys:
        s = j.screening
        evidence = s.evidence
        organs = metastatic_organ_count(s.metastases)
        rows.append(
            (
                j.usubjid,
                j.site,
                age_in_years(j.date_of_birth, s.date),
                j.sex,
                s.date,
                j.cohort,
                j.arm,
                j.allocation.date if j.allocation else None,
                evidence.induction_response.value if evidence.induction_response else "",
                count_level(organs, organ_levels) if organs else "",
                evidence.ecog,
                s.consent.date,
                ",".join(s.consent.optional),
            )
        )
    return _domain_frame("DM", rows, [("RFICDT", "date"), ("CONSOPT", "str")])


def _ie(journeys: Sequence[Journey]) -> pd.DataFrame:
    rows = [
        (j.usubjid, c.criterion_id, c.kind, c.status, j.screening.eligibility_date)
        for j in journeys
        for c in j.screening.criteria
    ]
    return _domain_frame("IE", rows, [("IEDT", "date")])


def _ds(journeys: Sequence[Journey]) -> pd.DataFrame:
    rows = [(j.usubjid, d.code, d.term, d.date) for j in journeys for d in j.dispositions]
    return _domain_frame("DS", rows)


def _ex(journeys: Sequence[Journey]) -> pd.DataFrame:
    rows = [
        (j.usubjid, d.agent, d.category, d.cycle, d.dose, d.unit, d.date, d.planned, d.planned_unit)
        for j in journeys
        for d in j.doses
    ]
    return _domain_frame("EX", rows, [("EXPLDOSE", "float"), ("EXPLDOSU", "str")])


def _pr(journeys: Sequence[Journey]) -> pd.DataFrame:
    rows = [
        (
            j.usubjid,
            c.intent,
            t.location,
            t.total_gy,
            t.fractions,
            c.start,
            c.end,
            t.planned_gy,
            t.planned_fractions,
            c.completed,
        )
        for j in journeys
        for c in j.radiotherapy
        for t in c.targets
    ]
    extra = [("PRPLDOSE", "float"), ("PRPLFRCT", "int"), ("PRCOMPL", "bool")]
    return _domain_frame("PR", rows, extra)


def _tr(journeys: Sequence[Journey]) -> pd.DataFrame:
    rows = []
    for j in journeys:
        if j.tumour is not None:
            rows.extend((j.usubjid, *row) for row in _lesion_rows(j.tumour))
    return _domain_frame("TR", rows, [("VISIT", "str")])


def _lesion_rows(course: TumourCourse) -> Iterable[tuple[Any, ...]]:
    """(lesion, role, organ, nodal, mm, status, date, visit) per lesion and assessment."""
    by_id = {lesion.id: lesion for lesion in course.lesions}
    targets = [lesion for lesion in course.lesions if lesion.role is Role.TARGET]
    non_targets = [lesion for lesion in course.lesions if lesion.role is Role.NON_TARGET]
    for index, (assessment, visit) in enumerate(
        zip(course.assessments, course.visits, strict=True)
    ):
        date = assessment.date
        for lesion in targets:
            mm, status = _reading(assessment.target.get(lesion.id))
            yield (*_lesion(lesion), mm, status, date, visit)
        for position, lesion in enumerate(non_targets):
            status = "present" if index == 0 else _non_target(assessment.non_target, position)
            yield (*_lesion(lesion), float("nan"), status, date, visit)
        new = dict(assessment.new_lesion_non_targets)
        if assessment.new_lesions is NewLesions.EQUIVOCAL and not new:
            yield (
                "NL1",
                Role.NEW_NON_TARGET.value,
                by_id.get("NL1", _equivocal()).organ,
                False,
                float("nan"),
                "equivocal",
                date,
                visit,
            )
        for lesion_id, state in new.items():
            yield (*_lesion(by_id[lesion_id]), float("nan"), state.value, date, visit)


def _equivocal() -> Lesion:
    return Lesion("NL1", Role.NEW_NON_TARGET, "unknown")


def _lesion(lesion: Lesion) -> tuple[str, str, str, bool]:
    return lesion.id, lesion.role.value, lesion.organ, lesion.nodal


def _reading(reading: Reading | None) -> tuple[float, str]:
    if reading is None:
        return float("nan"), "not_assessed"
    status = "" if reading.kind is ReadingKind.MEASURED else reading.kind.value
    return float(reading.mm), status


def _non_target(status: Response | None, position: int) -> str:
    if status is None:
        return "not_assessed"
    if status is Response.CR:
        return "absent"
    if status is Response.PD and position == 0:
        return "unequivocal_pd"
    return "present"


def _rs(journeys: Sequence[Journey]) -> pd.DataFrame:
    rows = []
    for j in journeys:
        course = j.tumour
        if course is None:
            continue
        for category, result in (("RECIST1.1", course.recist), ("iRECIST", course.irecist)):
            if result is None:
                continue
            for timepoint, visit in zip(result.timepoints[1:], course.visits[1:], strict=True):
                rows.append(
                    (j.usubjid, category, "OVRLRESP", str(timepoint.overall), timepoint.date, visit)
                )
            rows.append(
                (j.usubjid, category, "BESTRESP", str(result.best_overall_response), None, "")
            )
    return _domain_frame("RS", rows, [("VISIT", "str")])


def _ae(journeys: Sequence[Journey]) -> pd.DataFrame:
    rows = [
        (
            j.usubjid,
            e.term,
            e.soc,
            e.grade,
            e.serious,
            e.start,
            e.end,
            e.attribution["radiotherapy"],
            e.attribution["chemotherapy"],
            e.attribution["pd1"],
            e.immune,
            ",".join(e.seriousness),
        )
        for j in journeys
        for e in j.adverse_events
    ]
    return _domain_frame("AE", rows, [("AESERCRIT", "str")])


def _ss(journeys: Sequence[Journey]) -> pd.DataFrame:
    rows = [(j.usubjid, c.date, c.status, c.visit) for j in journeys for c in j.survival_contacts]
    return _domain_frame("SS", rows, [("VISIT", "str")])
