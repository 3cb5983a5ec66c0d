"""Tumour response: measurements that give the simulated responses, and the engines' verdict.

This module owns the tumour course after allocation, given the enrolment
lesions (`lesions`) and the scan dates (`scans`). A latent trajectory
decides each assessment's response: stable disease, then a partial or
complete response at the depth drawn for the arm, until the assessment at
or after the latent progression time, where
progression shows through the target sum, a new lesion (sometimes first
equivocal, rules §2.6) or unequivocal non-target growth; an iRECIST
confirmation scan may follow 4-8 weeks later (rules §3.1).

Measurements are drawn to fit each intended response with margins, and
checked with the engine's own predicates (`is_partial_response`,
`is_progression`, `is_target_cr`); the responses recorded are those
`evaluate_recist` and `evaluate_irecist` give on the measurements, never
the intended ones.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

import numpy as np

from oncotrial.clinical.irecist import evaluate_irecist
from oncotrial.clinical.recist import (
    PD_MIN_INCREASE_MM,
    Assessment,
    NewLesions,
    NewLesionStatus,
    Response,
    evaluate_recist,
    is_partial_response,
    is_progression,
    is_target_cr,
)
from oncotrial.clinical.recist_lesions import (
    Lesion,
    Reading,
    Role,
    sum_of_diameters,
)
from oncotrial.clinical.recist_settings import ResponseSettings
from oncotrial.design.cohort.draws import chance, days, pick
from oncotrial.design.cohort.journeys import TumourCourse
from oncotrial.design.cohort.scans import Scan
from oncotrial.design.cohort.scenario import Scenario
from oncotrial.protocol.schema import Protocol

SD, PR, CR, NE, PD, NED = "SD", "PR", "CR", "NE", "PD", "NED"
NON_CR_NON_PD = "NON_CR_NON_PD"
TARGET, NEW_LESION, NON_TARGET = "target", "new_lesion", "non_target"
BASELINE_VISIT = "BL"
CONFIRMATION_VISIT = "UNSCHEDULED"
_IRECIST = {
    CR: "iCR",
    PR: "iPR",
    SD: "iSD",
    NON_CR_NON_PD: "NON_iCR_NON_iUPD",
    NED: "NED",
    NE: "NE",
    PD: "iUPD",
}
_NEW_LESION_ORGANS = ("liver", "lung", "bone")
_ATTEMPTS = 200


# ---------------------------------------------------------------- trajectory


@dataclass(frozen=True)
class Trajectory:
    """The participant's latent tumour course after allocation."""

    depth: str  # best response to reach: CR / PR / SD
    first_response: int  # index of the first PR scan (CR one scan later)
    mode: str  # how progression shows: target / new_lesion / non_target
    equivocal: bool
    confirmation: bool
    confirmation_days: int


def trajectory(
    rng: np.random.Generator, scenario: Scenario, arm: str, lesions: Sequence[Lesion]
) -> Trajectory:
    tumour = scenario.tumour
    depth = pick(rng, tumour.best_response[arm])
    first_response = int(rng.integers(0, 2))
    mode = pick(rng, tumour.progression_mode)
    equivocal = chance(rng, tumour.equivocal_new_lesion_share)
    confirmation = chance(rng, tumour.confirmation_scan_share)
    confirmation_days = days(rng, tumour.confirmation_days_after_progression)
    roles = {lesion.role for lesion in lesions}
    if (mode == TARGET and Role.TARGET not in roles) or (
        mode == NON_TARGET and Role.NON_TARGET not in roles
    ):
        mode = NEW_LESION  # what the participant's disease cannot show comes as a new lesion
    if Role.TARGET not in roles and depth == PR:
        depth = SD  # without target lesions there is no partial response (rules §2.7)
    return Trajectory(depth, first_response, mode, equivocal, confirmation, confirmation_days)


def _state(path: Trajectory, index: int) -> str:
    if path.depth == SD or index < path.first_response:
        return SD
    if path.depth == PR or index == path.first_response:
        return PR
    return CR


# ---------------------------------------------------------------- measurements


class _Measurer:
    """Draws target readings that fit a target response, checked with the engine's predicates."""

    def __init__(
        self, rng: np.random.Generator, lesions: Sequence[Lesion], base: Mapping[str, int]
    ):
        self.rng = rng
        self.targets = [lesion for lesion in lesions if lesion.role is Role.TARGET]
        self.base = base
        self.baseline_mm = Fraction(sum(base.values()))
        self.nadir = self.baseline_mm
        self.complete_response: dict[str, Reading] = {}

    def readings(self, state: str) -> dict[str, Reading]:
        """Readings for SD, PR, CR or PD (target growth) against the current nadir."""
        if not self.targets:
            return {}
        for _ in range(_ATTEMPTS):
            readings = self._draw(state)
            if self._fits(state, readings):
                return readings
        raise RuntimeError(f"no target readings fit {state} (baseline {self.base})")

    def record(self, readings: Mapping[str, Reading | None]) -> Fraction | None:
        """Update the nadir with a complete sum (rules §2.2) and return the sum."""
        if any(readings.get(t.id) is None for t in self.targets):
            return None
        total = sum_of_diameters(r for r in readings.values() if r is not None)
        self.nadir = min(self.nadir, total)
        return total

    def grown(self, reference: Fraction) -> dict[str, Reading]:
        """Target growth of at least 5 mm over `reference` that is also progression."""
        for _ in range(_ATTEMPTS):
            readings = self._scaled(max(reference * Fraction(11, 10), reference + 6))
            total = sum_of_diameters(readings.values())
            if total - reference >= PD_MIN_INCREASE_MM and is_progression(total, self.nadir):
                return readings
        raise RuntimeError("no target readings grow enough to confirm progression")

    def _draw(self, state: str) -> dict[str, Reading]:
        rng, baseline, nadir = self.rng, float(self.baseline_mm), float(self.nadir)
        if state == CR:
            if not self.complete_response:
                # Nodes keep their size once normal: a node growing back within the normal
                # range would raise the sum over the nadir when another target is not seen.
                self.complete_response = {
                    t.id: Reading.measured(int(rng.integers(3, 10)))
                    if t.nodal
                    else Reading.disappeared()
                    for t in self.targets
                }
            return dict(self.complete_response)
        if state == SD:
            low, high = 0.78, min(1.02, 1.1 * nadir / baseline)
        elif state == PR and nadir / baseline > 0.62:
            low, high = 0.30, 0.62
        elif state == PR:
            low, high = max(0.2, 0.85 * nadir / baseline), min(0.62, 1.1 * nadir / baseline)
        else:  # PD by target growth
            low = max(1.3 * nadir, nadir + 8) / baseline
            high = 1.2 * low
        share = rng.uniform(low, max(low, high))
        return self._not_complete(self._scaled(Fraction(share * baseline)))

    def _scaled(self, total: Fraction) -> dict[str, Reading]:
        factor = float(total / self.baseline_mm)
        readings: dict[str, Reading] = {}
        for target in self.targets:
            mm = round(self.base[target.id] * factor * self.rng.uniform(0.92, 1.08))
            if target.nodal:
                readings[target.id] = Reading.measured(max(mm, 2))
            elif mm < 5:
                readings[target.id] = Reading.too_small()  # 5 mm by convention (rules §2.3)
            else:
                readings[target.id] = Reading.measured(mm)
        return readings

    def _not_complete(self, readings: dict[str, Reading]) -> dict[str, Reading]:
        """Short of a complete response, some disease stays visible: the largest node at 10 mm."""
        if not is_target_cr(self.targets, readings):
            return readings
        nodes = sorted((t for t in self.targets if t.nodal), key=lambda t: -self.base[t.id])
        return {**readings, nodes[0].id: Reading.measured(10)}

    def _fits(self, state: str, readings: Mapping[str, Reading]) -> bool:
        total = sum_of_diameters(readings.values())
        complete = is_target_cr(self.targets, readings)
        if state == CR:
            return complete
        if state == PD:
            return is_progression(total, self.nadir)
        if complete or is_progression(total, self.nadir):
            return False
        return is_partial_response(total, self.baseline_mm) == (state == PR)


# ---------------------------------------------------------------- the course


def plan_course(
    rng: np.random.Generator,
    lesions: tuple[Lesion, ...],
    base: Mapping[str, int],
    path: Trajectory,
    baseline_date: dt.date,
    scans: Sequence[Scan],
    progression_latent: dt.date | None,
    end: dt.date,
    unevaluable_share: float,
) -> TumourCourse:
    """The assessments up to `end` and the responses they are meant to show.

    Deterministic for a given random state: a shorter observation gives the
    same scans and readings up to its end.
    """
    measurer = _Measurer(rng, lesions, base)
    has_targets = bool(measurer.targets)
    non_targets = [lesion.id for lesion in lesions if lesion.role is Role.NON_TARGET]
    no_disease = not lesions
    follow_ups = [scan for scan in scans if scan.date < end]
    detected = next(
        (
            i
            for i, scan in enumerate(follow_ups)
            if progression_latent is not None and scan.date >= progression_latent
        ),
        None,
    )
    baseline = Assessment(
        baseline_date,
        target={t.id: Reading.measured(base[t.id]) for t in measurer.targets},
        non_target=Response.NON_CR_NON_PD if non_targets else None,
        new_lesions=NewLesions.NONE,
    )
    assessments, visits = [baseline], [BASELINE_VISIT]
    intended: list[str] = []
    intended_i: list[str] = []
    stop = len(follow_ups) if detected is None else detected
    for index, scan in enumerate(follow_ups[:stop]):
        state = _state(path, index)
        unevaluable = chance(rng, unevaluable_share) and not no_disease
        readings: dict[str, Reading | None] = dict(measurer.readings(state))
        non_target = _non_target(state, non_targets)
        if unevaluable:
            if has_targets:
                missing = measurer.targets[int(rng.integers(len(measurer.targets)))].id
                readings[missing] = None
            else:
                non_target = None
        measurer.record(readings)
        assessments.append(Assessment(scan.date, readings, non_target, NewLesions.NONE))
        visits.append(scan.visit)
        label = NE if unevaluable else _label(state, has_targets, no_disease)
        intended.append(label)
        intended_i.append(_IRECIST[label])
    progression_date = None
    mode = None
    if detected is not None:
        mode = path.mode
        state = _state(path, detected)
        equivocal = mode == NEW_LESION and path.equivocal and detected + 1 < len(follow_ups)
        progression_date = follow_ups[detected].date
        if equivocal:
            scan = follow_ups[detected]
            readings = dict(measurer.readings(state))
            measurer.record(readings)
            assessments.append(
                Assessment(
                    scan.date, readings, _non_target(state, non_targets), NewLesions.EQUIVOCAL
                )
            )
            visits.append(scan.visit)
            intended.append(PD)
            intended_i.append(_IRECIST[PD])
        pd_scan = follow_ups[detected + 1] if equivocal else follow_ups[detected]
        pd_assessment, pd_sum = _progression(measurer, state, mode, non_targets, pd_scan.date)
        assessments.append(pd_assessment)
        visits.append(pd_scan.visit)
        intended.append(PD)
        intended_i.append(_IRECIST[PD])
        confirm_date = pd_scan.date + dt.timedelta(days=path.confirmation_days)
        if path.confirmation and confirm_date < end:
            assessments.append(
                _confirmation(measurer, state, mode, non_targets, confirm_date, pd_sum)
            )
            visits.append(CONFIRMATION_VISIT)
            intended.append(PD)
            intended_i.append("iCPD")
    return TumourCourse(
        lesions=lesions + _new_lesions(rng, assessments),
        assessments=tuple(assessments),
        visits=tuple(visits),
        intended=tuple(intended),
        intended_irecist=tuple(intended_i),
        intended_progression_date=progression_date,
        progression_mode=mode,
        recist=None,
        irecist=None,
    )


def _label(state: str, has_targets: bool, no_disease: bool) -> str:
    if no_disease:
        return NED  # nothing to respond: no evidence of disease until a new lesion (rules §2.6)
    if not has_targets and state != CR:
        return NON_CR_NON_PD  # non-target disease only (rules §2.7)
    return state


def _non_target(state: str, non_targets: Sequence[str]) -> Response | None:
    if not non_targets:
        return None
    return Response.CR if state == CR else Response.NON_CR_NON_PD


def _progression(
    measurer: _Measurer, state: str, mode: str, non_targets: Sequence[str], date: dt.date
) -> tuple[Assessment, Fraction | None]:
    """The assessment that shows progression, and its target sum."""
    if mode == TARGET:
        readings = measurer.readings(PD)
        total = measurer.record(readings)
        return Assessment(date, readings, _non_target(state, non_targets), NewLesions.NONE), total
    readings = measurer.readings(state)
    total = measurer.record(readings)
    if mode == NON_TARGET:
        return Assessment(date, readings, Response.PD, NewLesions.NONE), total
    return (
        Assessment(
            date,
            readings,
            _non_target(state, non_targets),
            NewLesions.UNEQUIVOCAL,
            new_lesion_non_targets={"NL1": NewLesionStatus.PRESENT},
        ),
        total,
    )


def _confirmation(
    measurer: _Measurer,
    state: str,
    mode: str,
    non_targets: Sequence[str],
    date: dt.date,
    pd_sum: Fraction | None,
) -> Assessment:
    """The iRECIST confirmation scan: further growth of what progressed (rules §3.1)."""
    if mode == TARGET:
        assert pd_sum is not None
        readings = measurer.grown(pd_sum)
        return Assessment(date, readings, _non_target(state, non_targets), NewLesions.NONE)
    readings = measurer.readings(state)
    if mode == NON_TARGET:
        return Assessment(date, readings, Response.PD, NewLesions.NONE, non_target_increased=True)
    return Assessment(
        date,
        readings,
        _non_target(state, non_targets),
        NewLesions.UNEQUIVOCAL,
        new_lesion_non_targets={"NL1": NewLesionStatus.PRESENT, "NL2": NewLesionStatus.PRESENT},
    )


def _new_lesions(rng: np.random.Generator, assessments: Sequence[Assessment]) -> tuple[Lesion, ...]:
    ids = sorted({i for a in assessments for i in a.new_lesion_non_targets})
    return tuple(
        Lesion(i, Role.NEW_NON_TARGET, _NEW_LESION_ORGANS[int(rng.integers(3))]) for i in ids
    )


def with_responses(course: TumourCourse, settings: ResponseSettings) -> TumourCourse:
    """The course with what the RECIST 1.1 and iRECIST engines conclude from its measurements.

    A participant enrolled in complete response has no baseline disease: the
    baseline reader declares it, and the engines follow them for new lesions.
    """
    no_disease = not any(x.role in (Role.TARGET, Role.NON_TARGET) for x in course.lesions)
    return replace(
        course,
        recist=evaluate_recist(course.lesions, course.assessments, settings, no_disease=no_disease),
        irecist=evaluate_irecist(
            course.lesions, course.assessments, settings, no_disease=no_disease
        ),
    )


def response_settings(protocol: Protocol) -> ResponseSettings:
    """The engines' settings from the protocol's [settings.recist] and [settings.progression]."""
    return ResponseSettings.from_protocol(
        protocol.settings.recist.model_dump(), protocol.settings.progression.model_dump()
    )


def latent_date(allocation: dt.date, days_after: float | None) -> dt.date | None:
    if days_after is None or not math.isfinite(days_after):
        return None
    return allocation + dt.timedelta(days=math.floor(days_after))
