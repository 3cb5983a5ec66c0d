"""iRECIST time-point responses, iBOR and the iPFS date (Seymour et al., Lancet Oncol 2017).

This module owns the iRECIST layer on top of RECIST 1.1 (clinical-rules.md
§3): RECIST progression becomes iUPD; the iUPD is confirmed as iCPD by a
further increase at an assessment 4-8 weeks later; an iUPD followed by iSD,
iPR or iCR resets the bar; new lesions are followed as new-lesion targets
(summed separately) and non-targets; iBOR; and the iPFS date (the date of
the iUPD later confirmed). Target, non-target and nadir rules come from
`recist`. Every guideline ambiguity is a `ResponseSettings` field.

Written by hand: no well-kept library implements iRECIST.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from fractions import Fraction

from oncotrial.clinical.recist import (
    PD_MIN_INCREASE_MM,
    Assessment,
    NewLesions,
    NewLesionStatus,
    Response,
    ResponseResult,
    SelectionError,
    TargetResult,
    TimePoint,
    after_progression_flag,
    assessment_flags,
    backdate_flag,
    equivocal_run_start,
    follows_cr,
    initial_nadir,
    is_progression,
    non_target_response,
    overall_response,
    pr_established,
    target_response,
    updated_nadir,
)
from oncotrial.clinical.recist_best import Level, Visit, best_overall_response
from oncotrial.clinical.recist_flags import Flag, Violation
from oncotrial.clinical.recist_lesions import (
    Lesion,
    Role,
    baseline_flags,
    check_baseline,
    minimum_measurable_mm,
    mm_text,
    sum_of_diameters,
)
from oncotrial.clinical.recist_settings import ResponseSettings
from oncotrial.text import Message, gettext_noop


class IResponse(StrEnum):
    """iRECIST categories (§3.1). NON_iCR_NON_iUPD is non-target-only disease
    that is neither iCR nor iUPD, as RECIST's NON_CR_NON_PD."""

    ICR = "iCR"
    IPR = "iPR"
    ISD = "iSD"
    NON_ICR_NON_IUPD = "NON_iCR_NON_iUPD"
    NED = "NED"  # no disease at baseline, no new lesion (RECIST's NED)
    NE = "NE"
    IUPD = "iUPD"
    ICPD = "iCPD"


# Best to worst, as RECIST's TIMEPOINT_ORDER; iCPD is the worst.
ITIMEPOINT_ORDER: tuple[IResponse, ...] = (
    IResponse.ICR,
    IResponse.IPR,
    IResponse.ISD,
    IResponse.NON_ICR_NON_IUPD,
    IResponse.NED,
    IResponse.NE,
    IResponse.IUPD,
    IResponse.ICPD,
)

_FROM_RECIST = {
    Response.CR: IResponse.ICR,
    Response.PR: IResponse.IPR,
    Response.SD: IResponse.ISD,
    Response.NON_CR_NON_PD: IResponse.NON_ICR_NON_IUPD,
    Response.NED: IResponse.NED,
    Response.NE: IResponse.NE,
    Response.PD: IResponse.IUPD,
}
_FROM_LEVEL = {
    Level.CR: IResponse.ICR,
    Level.PR: IResponse.IPR,
    Level.SD: IResponse.ISD,
    Level.NON_CR_NON_PD: IResponse.NON_ICR_NON_IUPD,
    Level.NED: IResponse.NED,
    Level.NE: IResponse.NE,
    Level.UPD: IResponse.IUPD,
    Level.PD: IResponse.ICPD,
}
_TO_LEVEL = {
    IResponse.ICR: Level.CR,
    IResponse.IPR: Level.PR,
    IResponse.ISD: Level.SD,
    IResponse.NON_ICR_NON_IUPD: Level.NON_CR_NON_PD,
    IResponse.NED: Level.NED,
    IResponse.NE: Level.NE,
    IResponse.IUPD: Level.UPD,
    IResponse.ICPD: Level.PD,
}

TARGET, NON_TARGET, NEW_LESIONS = "target", "non_target", "new_lesions"
_GROWING = frozenset({NewLesionStatus.INCREASED, NewLesionStatus.UNEQUIVOCAL_PD})


def to_irecist(response: Response | None) -> IResponse | None:
    """The iRECIST name of a RECIST 1.1 component response: PD becomes iUPD (§3.1)."""
    return None if response is None else _FROM_RECIST[response]


@dataclass
class _NewLesionView:
    """What the new lesions show at one assessment (§3.3)."""

    present: frozenset[str]
    nlt_assessed_sum: Fraction
    nlt_complete: bool
    growing: frozenset[str]
    unequivocal_pd: bool


@dataclass
class _Episode:
    """An open iUPD: where it started and what it must be compared with (§3.1)."""

    index: int
    date: dt.date
    first_index: int  # earliest time point of the episode, after back-dating
    event_date: dt.date
    drivers: frozenset[str]
    target_sum: Fraction | None
    nlt_ids: frozenset[str]
    nlt_sum: Fraction | None
    new_since: set[str] = field(default_factory=set)
    non_target_increase: bool = False
    nlnt_increase: bool = False


def check_new_lesions(
    lesions: Sequence[Lesion], assessments: Sequence[Assessment]
) -> list[Violation]:
    """New-lesion targets must be measurable when first recorded (§3.3).

    Non-nodal ≥ 10 mm longest diameter, nodes ≥ 15 mm short axis; otherwise
    the lesion is a new-lesion non-target. The 5-total / 2-per-organ limits
    are checked with the baseline (`check_baseline`).
    """
    by_id = {lesion.id: lesion for lesion in lesions if lesion.role is Role.NEW_TARGET}
    seen: set[str] = set()
    violations: list[Violation] = []
    for index, assessment in enumerate(assessments):
        for lesion_id, reading in assessment.new_lesion_targets.items():
            if reading is None or lesion_id in seen or lesion_id not in by_id:
                continue
            seen.add(lesion_id)
            minimum = minimum_measurable_mm(by_id[lesion_id])
            if reading.mm < minimum:
                violations.append(
                    Violation(
                        "new_target_not_measurable",
                        f"iRECIST §3.3: a new-lesion target needs ≥ {mm_text(minimum)} mm "
                        "when first recorded",
                        Message(
                            gettext_noop(
                                "New-lesion target %(id)s measures %(mm)s mm when first "
                                "recorded, below the %(minimum)s mm needed; record it as a "
                                "new-lesion non-target."
                            ),
                            {
                                "id": lesion_id,
                                "mm": mm_text(reading.mm),
                                "minimum": mm_text(minimum),
                            },
                        ),
                        (lesion_id,),
                        reading_index=index,
                    )
                )
    return violations


class _IrecistRun:
    """One participant's iRECIST evaluation, assessment by assessment."""

    def __init__(
        self,
        lesions: Sequence[Lesion],
        assessments: Sequence[Assessment],
        settings: ResponseSettings,
        pre_enrolment_sums_mm: Sequence[Fraction],
    ) -> None:
        self.settings = settings
        self.assessments = assessments
        self.targets = [lesion for lesion in lesions if lesion.role is Role.TARGET]
        self.has_non_targets = any(lesion.role is Role.NON_TARGET for lesion in lesions)
        self.new_target_ids = frozenset(x.id for x in lesions if x.role is Role.NEW_TARGET)
        baseline = assessments[0]
        self.baseline_mm = sum_of_diameters(
            r for t in self.targets if (r := baseline.target.get(t.id))
        )
        self.nadir = initial_nadir(self.baseline_mm, pre_enrolment_sums_mm, settings)
        self.flags: list[Flag] = baseline_flags(lesions)
        self.timepoints: list[TimePoint] = [
            TimePoint(
                baseline.date,
                self.baseline_mm if self.targets else None,
                None,
                None,
                None,
                None,
            )
        ]
        self.history: list[Visit] = []
        self.known_new: set[str] = set()
        self.accepted_new = False  # known new lesions no longer make iUPD by being present
        self.nlt_ids: frozenset[str] = frozenset()
        self.nlt_nadir: Fraction | None = None
        self.episode: _Episode | None = None
        self.confirmed: _Episode | None = None
        self.backdates: list[tuple[int, int]] = []

    # --- one assessment -------------------------------------------------
    def step(self, index: int) -> None:
        """Evaluate `assessments[index]`: components per RECIST 1.1, then the iRECIST layer."""
        assessment = self.assessments[index]
        after_cr = follows_cr(self.history, self.settings)
        target = target_response(
            self.targets,
            assessment.target,
            baseline_mm=self.baseline_mm,
            nadir_mm=self.nadir,
            after_cr=after_cr,
            pr_established=pr_established(self.history, self.settings),
        )
        non_target = non_target_response(
            assessment.non_target, self.has_non_targets, after_cr=after_cr
        )
        self.flags += assessment_flags(
            self.targets, assessment, target, non_target, after_cr, self.nadir
        )
        new = self._new_lesion_view(assessment)
        fresh = new.present - self.known_new
        if self.episode is not None and fresh:
            # An equivocal new lesion confirmed now dates the open iUPD back (§2.6).
            self._backdate(self.episode, index)
        if self.confirmed is not None:
            overall = IResponse.ICPD  # confirmed progression is final
            self.flags.append(after_progression_flag(assessment.date, "iCPD"))
        elif self.episode is None:
            overall = self._without_episode(index, target, non_target, new, fresh)
        else:
            overall = self._within_episode(index, target, non_target, new, fresh)
        self._update_new_lesion_reference(new)
        self.known_new |= new.present
        self.timepoints.append(
            TimePoint(
                assessment.date,
                target.sum_mm,
                to_irecist(target.response),
                to_irecist(non_target),
                assessment.new_lesions,
                overall,
                self.nadir if self.targets else None,
            )
        )
        self.history.append(Visit(assessment.date, _TO_LEVEL[overall]))
        self.nadir = updated_nadir(self.nadir, target)

    def _new_lesion_view(self, assessment: Assessment) -> _NewLesionView:
        readings = assessment.new_lesion_targets
        present = {i for i, r in readings.items() if r is not None and r.mm > 0}
        present |= {
            i
            for i, s in assessment.new_lesion_non_targets.items()
            if s is not NewLesionStatus.ABSENT
        }
        ids = self.nlt_ids | {i for i, r in readings.items() if r is not None}
        assessed = [r for i in ids if (r := readings.get(i)) is not None]
        return _NewLesionView(
            frozenset(present),
            sum_of_diameters(assessed),
            len(assessed) == len(ids),
            frozenset(i for i, s in assessment.new_lesion_non_targets.items() if s in _GROWING),
            NewLesionStatus.UNEQUIVOCAL_PD in assessment.new_lesion_non_targets.values(),
        )

    def _update_new_lesion_reference(self, new: _NewLesionView) -> None:
        """Track the new-lesion-target set and its nadir (§3.2: "baseline" or nadir)."""
        ids = self.nlt_ids | (new.present & self.new_target_ids)
        complete_sum = new.nlt_assessed_sum if new.nlt_complete else None
        if ids != self.nlt_ids:
            self.nlt_ids = frozenset(ids)
            self.nlt_nadir = complete_sum
        elif complete_sum is not None:
            self.nlt_nadir = (
                complete_sum if self.nlt_nadir is None else min(self.nlt_nadir, complete_sum)
            )

    def _accepted_new_progression(self, new: _NewLesionView, fresh: frozenset[str]) -> bool:
        """After a reset with new lesions persisting, what makes them iUPD again (§3.2)."""
        nlt_pd = (
            self.nlt_nadir is not None
            and bool(self.nlt_ids)
            and is_progression(new.nlt_assessed_sum, self.nlt_nadir)
        )
        return bool(fresh) or nlt_pd or new.unequivocal_pd

    def _without_episode(
        self,
        index: int,
        target: TargetResult,
        non_target: Response | None,
        new: _NewLesionView,
        fresh: frozenset[str],
    ) -> IResponse:
        assessment = self.assessments[index]
        if self.accepted_new:
            new_upd = self._accepted_new_progression(new, fresh)
        else:
            new_upd = assessment.new_lesions is NewLesions.UNEQUIVOCAL
        drivers = frozenset(
            name
            for name, hit in (
                (TARGET, target.response is Response.PD),
                (NON_TARGET, non_target is Response.PD),
                (NEW_LESIONS, new_upd),
            )
            if hit
        )
        if not drivers:
            return self._base(assessment, target, non_target, new)
        self.episode = _Episode(
            index=index,
            date=assessment.date,
            first_index=index,
            event_date=assessment.date,
            drivers=drivers,
            target_sum=target.sum_mm,
            nlt_ids=self.nlt_ids | (new.present & self.new_target_ids),
            nlt_sum=new.nlt_assessed_sum if new.nlt_complete else None,
        )
        if NEW_LESIONS in drivers:
            self._backdate(self.episode, index)
        return IResponse.IUPD

    def _backdate(self, episode: _Episode, index: int) -> None:
        """Date `episode` from the first scan of an equivocal new lesion that the
        unequivocal new lesion at `index` confirms (§2.6, §3.6)."""
        if self.assessments[index].new_lesions is not NewLesions.UNEQUIVOCAL:
            return
        start = equivocal_run_start(self.assessments, index)
        if start is None:
            return
        self.backdates.append((start, index))
        if start < episode.first_index:
            episode.first_index = start
            episode.event_date = self.assessments[start].date

    @staticmethod
    def _base(
        assessment: Assessment,
        target: TargetResult,
        non_target: Response | None,
        new: _NewLesionView,
    ) -> IResponse:
        """The RECIST table when new lesions do not drive iUPD (none, equivocal, or known
        and accepted): they count as none, but iCR needs them gone (§3.3). New lesions
        not assessed still make the time point NE."""
        status = None if assessment.new_lesions is None else NewLesions.NONE
        response = _FROM_RECIST[overall_response(target.response, non_target, status)]
        if response is IResponse.ICR and new.present:
            return IResponse.IPR
        return response

    def _within_episode(
        self,
        index: int,
        target: TargetResult,
        non_target: Response | None,
        new: _NewLesionView,
        fresh: frozenset[str],
    ) -> IResponse:
        episode = self.episode
        assert episode is not None
        assessment = self.assessments[index]
        episode.new_since |= fresh
        episode.non_target_increase |= assessment.non_target_increased
        episode.nlnt_increase |= bool(new.growing)
        reasons = self._confirmation_reasons(episode, assessment, target, non_target, new)
        if reasons and self._window_allows(episode, assessment, fresh):
            self.confirmed = episode
            self.episode = None
            self.flags.append(
                _flag(
                    "icpd",
                    gettext_noop(
                        "iCPD: the iUPD of %(iupd)s is confirmed by %(reasons)s; iPFS dates "
                        "from %(event)s."
                    ),
                    assessment.date,
                    iupd=episode.date.isoformat(),
                    reasons=", ".join(reasons),
                    event=episode.event_date.isoformat(),
                )
            )
            return IResponse.ICPD
        still_upd = target.response is Response.PD or non_target is Response.PD
        if self.accepted_new and NEW_LESIONS not in episode.drivers:
            still_upd |= self._accepted_new_progression(new, fresh)
        else:
            still_upd |= bool(fresh)
            if new.present and not still_upd:
                shrank = (
                    target.sum_mm is not None
                    and episode.target_sum is not None
                    and target.sum_mm < episode.target_sum
                )
                if self.settings.new_lesion_reset == "never" or not shrank:
                    self.flags.append(
                        _flag(
                            "new_lesion_iupd_persists",
                            gettext_noop(
                                "iUPD kept: the new lesions persist without further change and "
                                "the target lesions have not shrunk since the iUPD (EORTC "
                                "scenario F); review."
                            ),
                            assessment.date,
                        )
                    )
                    return IResponse.IUPD
                self.flags.append(
                    _flag(
                        "new_lesion_reset",
                        gettext_noop(
                            "Reset although new lesions persist: the target lesions shrank "
                            "further after the iUPD (EORTC scenario B); review."
                        ),
                        assessment.date,
                    )
                )
        if still_upd:
            return IResponse.IUPD
        base = self._base(assessment, target, non_target, new)
        if base is IResponse.NE:
            return base  # an unevaluable scan neither confirms nor resets
        self.episode = None
        if new.present:
            self.accepted_new = True
        self.flags.append(
            _flag(
                "iupd_reset",
                gettext_noop(
                    "The iUPD of %(iupd)s is not confirmed (%(response)s): a later iUPD needs "
                    "fresh confirmation."
                ),
                assessment.date,
                iupd=episode.date.isoformat(),
                response=base.value,
            )
        )
        return base

    def _further(self, increase: Fraction) -> bool:
        """A further increase of 5 mm (at least, or more than, per setting; §3.1 CONFLICT)."""
        if self.settings.icpd_threshold == "more_than":
            return increase > PD_MIN_INCREASE_MM
        return increase >= PD_MIN_INCREASE_MM

    def _confirmation_reasons(
        self,
        episode: _Episode,
        assessment: Assessment,
        target: TargetResult,
        non_target: Response | None,
        new: _NewLesionView,
    ) -> list[str]:
        """What confirms the iUPD at this assessment (§3.1, Table 2), cumulative since the iUPD.

        A category that drove the iUPD confirms by a further increase (target
        sum ≥ 5 mm; any non-target increase; new-lesion target sum ≥ 5 mm, any
        new-lesion non-target increase); any other category confirms by
        reaching RECIST progression; another new lesion always confirms.
        A missing target or new-lesion target contributes at least 0 mm, so
        partial sums can confirm but never refute.
        """
        reasons: list[str] = []
        if TARGET in episode.drivers:
            if episode.target_sum is not None and self._further(
                target.assessed_sum_mm - episode.target_sum
            ):
                reasons.append("a further increase in the target sum")
        elif target.response is Response.PD:
            reasons.append("target progression")
        if NON_TARGET in episode.drivers:
            if episode.non_target_increase:
                reasons.append("a further increase in non-target disease")
        elif non_target is Response.PD:
            reasons.append("non-target progression")
        if episode.new_since:
            reasons.append("another new lesion (" + ", ".join(sorted(episode.new_since)) + ")")
        if NEW_LESIONS in episode.drivers:
            if episode.nlt_sum is not None and episode.nlt_ids:
                readings = assessment.new_lesion_targets
                now = sum_of_diameters(
                    r for i in episode.nlt_ids if (r := readings.get(i)) is not None
                )
                if self._further(now - episode.nlt_sum):
                    reasons.append("a further increase in the new-lesion target sum")
            if episode.nlnt_increase:
                reasons.append("an increase in new-lesion non-targets")
        elif self.accepted_new and (
            new.unequivocal_pd
            or (
                self.nlt_nadir is not None
                and bool(self.nlt_ids)
                and is_progression(new.nlt_assessed_sum, self.nlt_nadir)
            )
        ):
            reasons.append("new-lesion progression")
        return reasons

    def _window_allows(
        self, episode: _Episode, assessment: Assessment, fresh: frozenset[str]
    ) -> bool:
        """Whether this scan may confirm: 4-8 weeks after the iUPD, ± tolerance (§3.1).

        An earlier scan confirms only when done for a new symptom or sign and
        showing another new lesion (EORTC FAQ); a later one per setting.
        """
        days = (assessment.date - episode.date).days
        tolerance = self.settings.iupd_window_tolerance_days
        if days < self.settings.iupd_confirmation_min_days - tolerance:
            if assessment.for_new_symptoms and fresh:
                return True
            self.flags.append(
                _flag(
                    "early_confirmation_scan",
                    gettext_noop(
                        "Scan %(days)s days after the iUPD: too early to confirm it (4-8 weeks "
                        "needed unless done for new symptoms and showing another new lesion)."
                    ),
                    assessment.date,
                    days=str(days),
                )
            )
            return False
        if days > self.settings.iupd_confirmation_max_days + tolerance:
            allowed = self.settings.late_confirmation == "confirms"
            self.flags.append(
                _flag(
                    "late_confirmation_scan",
                    gettext_noop(
                        "Scan %(days)s days after the iUPD, later than the 8-week window "
                        "(setting late_confirmation: %(setting)s)."
                    ),
                    assessment.date,
                    days=str(days),
                    setting=self.settings.late_confirmation,
                )
            )
            return allowed
        return True

    # --- whole sequence -------------------------------------------------
    def result(self) -> ResponseResult:
        """Apply back-dating, then derive iBOR (§3.5) and the iPFS date (§3.6)."""
        for start, index in self.backdates:
            for i in range(start, index):
                if self.timepoints[i].overall not in (IResponse.IUPD, IResponse.ICPD):
                    self.timepoints[i] = replace(self.timepoints[i], overall=IResponse.IUPD)
            self.flags.append(
                backdate_flag(self.assessments[start].date, self.assessments[index].date, "iUPD")
            )
        visits = self._bor_visits()
        best, best_flags = best_overall_response(
            self.timepoints[0].date, visits, self.settings, has_target_disease=bool(self.targets)
        )
        self.flags += best_flags
        return ResponseResult(
            tuple(self.timepoints), _FROM_LEVEL[best], self._progression_date(), tuple(self.flags)
        )

    def _bor_visits(self) -> list[Visit]:
        """Time points as iBOR levels: a confirmed iUPD counts as iCPD (§3.5)."""
        start = None if self.confirmed is None else self.confirmed.first_index
        visits = []
        for i, tp in enumerate(self.timepoints[1:], start=1):
            level = _TO_LEVEL[IResponse(str(tp.overall))]
            if start is not None and i >= start:
                level = Level.PD
            visits.append(Visit(tp.date, level))
        return visits

    def _progression_date(self) -> dt.date | None:
        """iPFS: the date of the iUPD later confirmed (§3.6); an iUPD still open at the end
        counts per `unconfirmed_iupd`."""
        if self.confirmed is not None:
            return self.confirmed.event_date
        if self.episode is None:
            return None
        event = self.episode.event_date
        self.flags.append(
            _flag(
                "unconfirmed_iupd",
                gettext_noop(
                    "The iUPD of %(date)s is unconfirmed at the last assessment "
                    "(setting unconfirmed_iupd: %(setting)s)."
                ),
                event,
                date=event.isoformat(),
                setting=self.settings.unconfirmed_iupd,
            )
        )
        return event if self.settings.unconfirmed_iupd == "event_at_iupd" else None


def evaluate_irecist(
    lesions: Sequence[Lesion],
    assessments: Sequence[Assessment],
    settings: ResponseSettings,
    pre_enrolment_sums_mm: Sequence[Fraction] = (),
    *,
    no_disease: bool = False,
) -> ResponseResult:
    """iRECIST responses for one participant (§3): every time point, iBOR, iPFS date.

    `assessments[0]` is the baseline. Raises `SelectionError` when the
    baseline selection or a new-lesion target breaks a rule (§2.1, §2.2,
    §3.3). Once iCPD is assigned, later time points stay iCPD. `no_disease`:
    no disease at baseline, as in `evaluate_recist` (NED until new lesions).
    """
    if not assessments:
        raise ValueError("at least a baseline assessment is needed")
    violations = check_baseline(lesions, assessments[0].target, settings, no_disease=no_disease)
    violations += check_new_lesions(lesions, assessments)
    if violations:
        raise SelectionError(violations)
    run = _IrecistRun(lesions, assessments, settings, pre_enrolment_sums_mm)
    for index in range(1, len(assessments)):
        run.step(index)
    return run.result()


def _flag(code: str, template: str, when: dt.date | None, /, **params: str) -> Flag:
    """A flag whose `template` was already marked with `gettext_noop`."""
    return Flag(code, Message(template, params), when)
