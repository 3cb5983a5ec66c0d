"""RECIST 1.1 time-point responses, best overall response and progression date.

This module owns the RECIST 1.1 rules applied at each follow-up assessment
(clinical-rules.md §2.2-§2.9): the nadir, target, non-target and new-lesion
responses, the overall time-point table, reappearance after CR, equivocal new
lesions that back-date progression once confirmed, and the date of
progression for PFS. Baseline selection and readings live in
`recist_lesions`, best-overall-response rules in `recist_best`, protocol
choices in `recist_settings`.

Written by hand: no well-kept library implements RECIST 1.1. All threshold
comparisons are exact (integer cross-multiplication on `Fraction`s), so a
decrease of exactly 30 % is PR and an increase of exactly 20 % and exactly
5 mm is PD.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from fractions import Fraction

from oncotrial.clinical.recist_best import Level, Visit, best_overall_response, is_confirmed
from oncotrial.clinical.recist_flags import Flag, Violation
from oncotrial.clinical.recist_lesions import (
    NODE_NORMAL_BELOW_SA_MM,
    Lesion,
    Reading,
    ReadingKind,
    Role,
    baseline_flags,
    check_baseline,
    mm_text,
    sum_of_diameters,
)
from oncotrial.clinical.recist_settings import ResponseSettings
from oncotrial.text import Message, gettext_noop

PD_MIN_INCREASE_MM = Fraction(5)  # §2.4: absolute increase over the nadir


class Response(StrEnum):
    """RECIST 1.1 response categories (§2.4, §2.5, §2.7)."""

    CR = "CR"
    PR = "PR"
    SD = "SD"
    NON_CR_NON_PD = "NON_CR_NON_PD"
    # No evidence of disease (CDISC RS "NED"): a participant enrolled with no
    # disease left, whose scans can only show progression by a new lesion (§2.6).
    NED = "NED"
    NE = "NE"
    PD = "PD"


# Time-point responses from best to worst. NE ranks above PD: an assessment
# that could not be evaluated has shown no progression, and adding disease
# (a new lesion) can only move a response towards PD.
TIMEPOINT_ORDER: tuple[Response, ...] = (
    Response.CR,
    Response.PR,
    Response.SD,
    Response.NON_CR_NON_PD,
    Response.NED,
    Response.NE,
    Response.PD,
)


class NewLesions(StrEnum):
    """Whether a lesion absent at baseline is seen at an assessment (§2.6)."""

    NONE = "none"
    EQUIVOCAL = "equivocal"
    UNEQUIVOCAL = "unequivocal"


class NewLesionStatus(StrEnum):
    """An iRECIST new-lesion non-target at one assessment (§3.3).

    `increased`: any increase since the previous assessment;
    `unequivocal_pd`: unequivocal progression (RECIST 1.1 level).
    """

    PRESENT = "present"
    INCREASED = "increased"
    UNEQUIVOCAL_PD = "unequivocal_pd"
    ABSENT = "absent"


@dataclass(frozen=True)
class Assessment:
    """One imaging assessment; the first of a sequence is the baseline.

    `target` maps target ids to readings (None: not assessed; a missing id is
    not assessed either). `non_target` is CR, NON_CR_NON_PD, PD or NE (None:
    not assessed). `new_lesions` None means not assessed. The remaining fields
    serve iRECIST only: new-lesion target readings, new-lesion non-target
    statuses, any increase in non-target disease since the previous
    assessment, and whether the scan was done early for a new symptom or sign.
    """

    date: dt.date
    target: Mapping[str, Reading | None] = field(default_factory=dict)
    non_target: Response | None = None
    new_lesions: NewLesions | None = NewLesions.NONE
    new_lesion_targets: Mapping[str, Reading | None] = field(default_factory=dict)
    new_lesion_non_targets: Mapping[str, NewLesionStatus] = field(default_factory=dict)
    non_target_increased: bool = False
    for_new_symptoms: bool = False


@dataclass(frozen=True)
class TargetResult:
    """Target-lesion response at one assessment (§2.4).

    `response` is None when there is no target disease; `sum_mm` is None when
    a target was not assessed; `reappeared` lists targets that came back after
    an overall CR.
    """

    response: Response | None
    sum_mm: Fraction | None
    assessed_sum_mm: Fraction
    reappeared: tuple[str, ...] = ()
    continued_pr: bool = False


@dataclass(frozen=True)
class TimePoint:
    """One assessment's responses; at baseline every response is None.

    `nadir_mm` is the reference this assessment was compared against for PD.
    """

    date: dt.date
    sum_mm: Fraction | None
    target: StrEnum | None
    non_target: StrEnum | None
    new_lesions: NewLesions | None
    overall: StrEnum | None
    nadir_mm: Fraction | None = None


@dataclass(frozen=True)
class ResponseResult:
    """Everything the engine derives from one participant's assessments."""

    timepoints: tuple[TimePoint, ...]
    best_overall_response: StrEnum
    progression_date: dt.date | None
    flags: tuple[Flag, ...]


class SelectionError(ValueError):
    """The baseline lesion selection breaks a RECIST rule; `violations` say which."""

    def __init__(self, violations: Sequence[Violation]) -> None:
        super().__init__("; ".join(f"{v.rule}: {v.message}" for v in violations))
        self.violations = tuple(violations)


def is_partial_response(sum_mm: Fraction, baseline_mm: Fraction) -> bool:
    """A decrease of at least 30 % from the baseline sum (§2.4): 10·sum ≤ 7·baseline."""
    return 10 * sum_mm <= 7 * baseline_mm


def is_progression(sum_mm: Fraction, nadir_mm: Fraction) -> bool:
    """An increase of at least 20 % over the nadir and at least 5 mm (§2.4): 5·sum ≥ 6·nadir."""
    return 5 * sum_mm >= 6 * nadir_mm and sum_mm - nadir_mm >= PD_MIN_INCREASE_MM


def is_target_cr(targets: Sequence[Lesion], readings: Mapping[str, Reading | None]) -> bool:
    """Every non-nodal target at 0 mm and every target node below 10 mm short axis (§2.4).

    The sum may be above 0: target nodes keep their measured short axis (§2.3).
    """
    for lesion in targets:
        reading = readings.get(lesion.id)
        if reading is None:
            return False
        if lesion.nodal and reading.mm >= NODE_NORMAL_BELOW_SA_MM:
            return False
        if not lesion.nodal and reading.mm > 0:
            return False
    return True


def reappeared_targets(
    targets: Sequence[Lesion], readings: Mapping[str, Reading | None]
) -> tuple[str, ...]:
    """Targets showing disease again: a non-nodal one above 0 mm, a node at 10 mm or more (§2.6)."""
    found = []
    for lesion in targets:
        reading = readings.get(lesion.id)
        if reading is None:
            continue
        limit = NODE_NORMAL_BELOW_SA_MM if lesion.nodal else Fraction(0)
        if (lesion.nodal and reading.mm >= limit) or (not lesion.nodal and reading.mm > 0):
            found.append(lesion.id)
    return tuple(found)


def target_response(
    targets: Sequence[Lesion],
    readings: Mapping[str, Reading | None],
    *,
    baseline_mm: Fraction,
    nadir_mm: Fraction,
    after_cr: bool = False,
    pr_established: bool = False,
) -> TargetResult:
    """Target-lesion response at one follow-up assessment (§2.4, §2.6).

    PD when a target reappears after an overall CR (`after_cr`). With a
    target not assessed: PD if the assessed ones already reach PD (a missing
    lesion contributes at least 0 mm), otherwise NE. With all assessed: CR
    when §2.4's CR holds (tested first: target nodes below 10 mm are normal,
    so their growth inside the normal range is not progression), then PD
    against the nadir, PR against the baseline, else SD - or PR when a PR is
    already established and the protocol keeps it (`pr_established`, §2.4
    CONFLICT).
    """
    if not targets:
        return TargetResult(None, None, Fraction(0))
    assessed = [readings[t.id] for t in targets if readings.get(t.id) is not None]
    assessed_sum = sum_of_diameters(r for r in assessed if r is not None)
    complete = len(assessed) == len(targets)
    sum_mm = assessed_sum if complete else None
    reappeared = reappeared_targets(targets, readings) if after_cr else ()
    if reappeared:
        return TargetResult(Response.PD, sum_mm, assessed_sum, reappeared)
    if not complete:
        response = Response.PD if is_progression(assessed_sum, nadir_mm) else Response.NE
        return TargetResult(response, None, assessed_sum)
    if is_target_cr(targets, readings):
        response = Response.CR
    elif is_progression(assessed_sum, nadir_mm):
        response = Response.PD
    elif is_partial_response(assessed_sum, baseline_mm):
        response = Response.PR
    elif pr_established:
        return TargetResult(Response.PR, sum_mm, assessed_sum, continued_pr=True)
    else:
        response = Response.SD
    return TargetResult(response, sum_mm, assessed_sum)


def non_target_response(
    status: Response | None, has_non_targets: bool, *, after_cr: bool = False
) -> Response | None:
    """Non-target response (§2.5): None without non-target disease, NE when not assessed.

    Non-target disease seen again after an overall CR is PD (§2.6).
    """
    if not has_non_targets:
        return None
    if status is None:
        return Response.NE
    if after_cr and status is Response.NON_CR_NON_PD:
        return Response.PD
    return status


def overall_response(
    target: Response | None, non_target: Response | None, new_lesions: NewLesions | None
) -> Response:
    """The overall time-point response from RECIST 1.1 Tables 1 and 2 (§2.7).

    An equivocal new lesion counts as none (§2.6). New lesions not assessed
    (None) make the time point NE unless it is PD on other grounds.
    `target` None means non-target disease only; then NON_CR_NON_PD is kept.
    Both None means no disease at baseline: NED until a new lesion shows.
    """
    if Response.PD in (target, non_target) or new_lesions is NewLesions.UNEQUIVOCAL:
        return Response.PD
    if target is Response.NE or new_lesions is None:
        return Response.NE
    if target is None:
        return Response.NED if non_target is None else non_target
    if target is Response.CR:
        return Response.CR if non_target in (None, Response.CR) else Response.PR
    return target


def follows_cr(history: Sequence[Visit], settings: ResponseSettings) -> bool:
    """Whether any reappearing disease is now PD (§2.6): the last evaluable time point was CR.

    With `reappearance_after_cr == "confirmed_cr"` that CR must itself be
    confirmed: the run of CRs ending there (NE ignored) spans at least
    `confirmation_min_days`.
    """
    evaluable = [v for v in history if v.level is not Level.NE]
    if not evaluable or evaluable[-1].level is not Level.CR:
        return False
    if settings.reappearance_after_cr == "previous_cr":
        return True
    first = evaluable[-1]
    for visit in reversed(evaluable):
        if visit.level is not Level.CR:
            break
        first = visit
    return (evaluable[-1].date - first.date).days >= settings.confirmation_min_days


def pr_established(history: Sequence[Visit], settings: ResponseSettings) -> bool:
    """Whether a PR (or CR) holds since the last progression, for "continuing PR" (§2.4).

    Only with `pr_labelling == "continuing"`; when the protocol requires
    confirmation, the PR must have been confirmed by an earlier time point.
    """
    if settings.pr_labelling != "continuing":
        return False
    since = list(history)
    for i in range(len(since) - 1, -1, -1):
        if since[i].level in (Level.PD, Level.UPD):
            since = since[i + 1 :]
            break
    at_least_pr = frozenset({Level.CR, Level.PR})
    if not settings.confirm_response:
        return any(v.level in at_least_pr for v in since)
    return any(
        v.level in at_least_pr
        and is_confirmed(since, i, at_least_pr, settings.confirmation_min_days)
        for i, v in enumerate(since)
    )


def initial_nadir(
    baseline_mm: Fraction, pre_enrolment_sums_mm: Sequence[Fraction], settings: ResponseSettings
) -> Fraction:
    """The nadir before the first follow-up: the baseline sum (§2.2), or with
    `nadir == "since_pre_induction"` also the smaller sums measured before enrolment (§2.10)."""
    if pre_enrolment_sums_mm and settings.nadir != "since_pre_induction":
        raise ValueError('pre-enrolment sums are used only with nadir = "since_pre_induction"')
    return min([baseline_mm, *pre_enrolment_sums_mm])


def updated_nadir(nadir_mm: Fraction, result: TargetResult) -> Fraction:
    """The nadir after an assessment: only a complete sum can lower it (§2.2)."""
    if result.sum_mm is None:
        return nadir_mm
    return min(nadir_mm, result.sum_mm)


def equivocal_run_start(assessments: Sequence[Assessment], index: int) -> int | None:
    """The first assessment of an unbroken run of equivocal new lesions just before `index`.

    An unequivocal new lesion at `index` confirms such a run, and progression
    dates from its first scan (§2.6). Assessments with new lesions not
    assessed do not break the run; one with no new lesion does.
    """
    start = None
    for j in range(index - 1, 0, -1):
        status = assessments[j].new_lesions
        if status is NewLesions.NONE:
            break
        if status is NewLesions.EQUIVOCAL:
            start = j
    return start


def evaluate_recist(
    lesions: Sequence[Lesion],
    assessments: Sequence[Assessment],
    settings: ResponseSettings,
    pre_enrolment_sums_mm: Sequence[Fraction] = (),
    *,
    no_disease: bool = False,
) -> ResponseResult:
    """RECIST 1.1 responses for one participant (§2): every time point, BOR, PD date.

    `assessments[0]` is the baseline. Raises `SelectionError` when the
    baseline selection breaks a rule (§2.1, §2.2). `no_disease` says the
    baseline reader found no disease (no target or non-target lesion may be
    listed): each time point is then NED until an unequivocal new lesion
    makes it PD (§2.6), so such a participant still counts for PFS. The progression date is
    the first PD time point's date, back-dated to the first scan of an
    equivocal new lesion that an unequivocal one later confirmed (§2.6, §2.9);
    the time points in between are relabelled PD and flagged. Evaluation ends
    at progression: later assessments keep their component responses but
    their overall response stays PD (flagged).
    """
    if not assessments:
        raise ValueError("at least a baseline assessment is needed")
    baseline = assessments[0]
    violations = check_baseline(lesions, baseline.target, settings, no_disease=no_disease)
    if violations:
        raise SelectionError(violations)
    targets = [lesion for lesion in lesions if lesion.role is Role.TARGET]
    has_non_targets = any(lesion.role is Role.NON_TARGET for lesion in lesions)
    baseline_mm = sum_of_diameters(r for t in targets if (r := baseline.target.get(t.id)))
    nadir = initial_nadir(baseline_mm, pre_enrolment_sums_mm, settings)
    flags = baseline_flags(lesions)
    timepoints = [
        TimePoint(baseline.date, baseline_mm if targets else None, None, None, None, None)
    ]
    history: list[Visit] = []
    for assessment in assessments[1:]:
        after_cr = follows_cr(history, settings)
        target = target_response(
            targets,
            assessment.target,
            baseline_mm=baseline_mm,
            nadir_mm=nadir,
            after_cr=after_cr,
            pr_established=pr_established(history, settings),
        )
        non_target = non_target_response(assessment.non_target, has_non_targets, after_cr=after_cr)
        overall = overall_response(target.response, non_target, assessment.new_lesions)
        flags += assessment_flags(targets, assessment, target, non_target, after_cr, nadir)
        if any(v.level is Level.PD for v in history):
            # RECIST 1.1 evaluation ends at progression (§2.8): later scans stay PD.
            overall = Response.PD
            flags.append(after_progression_flag(assessment.date, "PD"))
        timepoints.append(
            TimePoint(
                assessment.date,
                target.sum_mm,
                target.response,
                non_target,
                assessment.new_lesions,
                overall,
                nadir if targets else None,
            )
        )
        history.append(Visit(assessment.date, Level(overall.value)))
        nadir = updated_nadir(nadir, target)
    timepoints, backdate_flags = _backdate_equivocal(timepoints, assessments)
    flags += backdate_flags
    visits = [Visit(tp.date, Level(str(tp.overall))) for tp in timepoints[1:]]
    best, best_flags = best_overall_response(
        baseline.date, visits, settings, has_target_disease=bool(targets)
    )
    flags += best_flags
    progression = next((tp.date for tp in timepoints[1:] if tp.overall is Response.PD), None)
    return ResponseResult(tuple(timepoints), Response(best.value), progression, tuple(flags))


def _backdate_equivocal(
    timepoints: list[TimePoint], assessments: Sequence[Assessment]
) -> tuple[list[TimePoint], list[Flag]]:
    first_new = next(
        (i for i, a in enumerate(assessments) if i > 0 and a.new_lesions is NewLesions.UNEQUIVOCAL),
        None,
    )
    if first_new is None:
        return timepoints, []
    start = equivocal_run_start(assessments, first_new)
    first_pd = next(i for i, tp in enumerate(timepoints) if tp.overall is Response.PD)
    if start is None or first_pd < start:
        return timepoints, []
    relabelled = [
        replace(tp, overall=Response.PD) if start <= i < first_new else tp
        for i, tp in enumerate(timepoints)
    ]
    flag = backdate_flag(assessments[start].date, assessments[first_new].date, "PD")
    return relabelled, [flag]


def after_progression_flag(date: dt.date, category: str) -> Flag:
    """Flag for an assessment after progression, reported as progression (§2.8, §3.5)."""
    return _flag(
        "after_progression",
        gettext_noop(
            "Assessment after progression: response evaluation has ended, reported as %(category)s."
        ),
        date,
        category=category,
    )


def backdate_flag(first: dt.date, confirmed: dt.date, category: str) -> Flag:
    """Flag for a progression back-dated to an equivocal new lesion's first scan (§2.6)."""
    return Flag(
        "progression_backdated",
        Message(
            gettext_noop(
                "The equivocal new lesion first seen on %(first)s was confirmed on "
                "%(confirmed)s: the time points from %(first)s are %(category)s."
            ),
            {"first": first.isoformat(), "confirmed": confirmed.isoformat(), "category": category},
        ),
        first,
    )


def assessment_flags(
    targets: Sequence[Lesion],
    assessment: Assessment,
    target: TargetResult,
    non_target: Response | None,
    after_cr: bool,
    nadir_mm: Fraction,
) -> list[Flag]:
    """Notes for review on one assessment: split and coalesced lesions (§2.3),
    reappearance after CR (§2.6), PD with targets missing (§2.4), equivocal or
    unassessed new lesions (§2.6), a continued PR (§2.4)."""
    date = assessment.date
    flags: list[Flag] = []
    for lesion in targets:
        reading = assessment.target.get(lesion.id)
        if reading is not None and reading.kind is ReadingKind.FRAGMENTS:
            text = gettext_noop(
                "Target lesion %(id)s has split; its fragments are summed (%(mm)s mm)."
            )
            flags.append(_flag("split_lesion", text, date, id=lesion.id, mm=mm_text(reading.mm)))
        if reading is not None and reading.kind is ReadingKind.COALESCED:
            text = gettext_noop(
                "Target lesion %(id)s has coalesced into %(into)s and is recorded as 0 mm."
            )
            into = str(reading.coalesced_into)
            flags.append(_flag("coalesced_lesion", text, date, id=lesion.id, into=into))
    if target.reappeared:
        text = gettext_noop("Target lesion(s) %(ids)s reappeared after CR: progression.")
        ids = ", ".join(target.reappeared)
        flags.append(_flag("reappearance_after_cr", text, date, ids=ids))
    if after_cr and non_target is Response.PD and assessment.non_target is Response.NON_CR_NON_PD:
        text = gettext_noop("Non-target disease reappeared after CR: progression.")
        flags.append(_flag("reappearance_after_cr", text, date))
    if target.response is Response.PD and target.sum_mm is None and not target.reappeared:
        text = gettext_noop(
            "PD from the assessed targets (%(mm)s mm against a nadir of %(nadir)s mm) "
            "although %(ids)s were not assessed."
        )
        missing = ", ".join(t.id for t in targets if assessment.target.get(t.id) is None)
        mm, nadir = mm_text(target.assessed_sum_mm), mm_text(nadir_mm)
        flags.append(_flag("pd_with_missing_targets", text, date, mm=mm, nadir=nadir, ids=missing))
    if target.continued_pr:
        text = gettext_noop(
            "PR kept although the sum is above 70 percent of baseline: PR was established earlier "
            "and PD is not met (EORTC convention; setting pr_labelling)."
        )
        flags.append(_flag("continued_pr", text, date))
    if assessment.new_lesions is NewLesions.EQUIVOCAL:
        text = gettext_noop(
            "Equivocal new lesion: not progression unless a later scan confirms it, "
            "which would date progression from this scan."
        )
        flags.append(_flag("equivocal_new_lesion", text, date))
    if assessment.new_lesions is None:
        text = gettext_noop("New lesions were not assessed.")
        flags.append(_flag("new_lesions_not_assessed", text, date))
    return flags


def _flag(code: str, template: str, when: dt.date | None, /, **params: str) -> Flag:
    """A flag whose `template` was already marked with `gettext_noop`."""
    return Flag(code, Message(template, params), when)
