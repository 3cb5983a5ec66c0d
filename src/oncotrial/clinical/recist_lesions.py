"""Lesions and their measurements under RECIST 1.1: what may be a target, and what a reading means.

This module owns the lesion record, the per-visit reading of a measured
lesion (a diameter, "too small to measure", "disappeared", split fragments,
or coalescence into another lesion), organ grouping (all lymph nodes are one
organ, paired organs are one organ), measurability, and the baseline
selection rules (clinical-rules.md §2.1-§2.3, §3.3).

Written by hand: no well-kept library implements RECIST 1.1.
Diameters are exact `Fraction`s (a float input is read by its decimal
spelling), so the 30 % / 20 % thresholds elsewhere never depend on rounding.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from oncotrial.clinical.recist_flags import Flag, Violation
from oncotrial.clinical.recist_settings import ResponseSettings
from oncotrial.text import Message, gettext_noop

MAX_TARGETS = 5  # §2.2
MAX_TARGETS_PER_ORGAN = 2  # §2.2
NON_NODAL_MIN_MM = Fraction(10)  # §2.1, CT/MRI with slices ≤ 5 mm, or calipers
CHEST_XRAY_MIN_MM = Fraction(20)  # §2.1
NODE_TARGET_MIN_SA_MM = Fraction(15)  # §2.1: pathological and measurable
NODE_NORMAL_BELOW_SA_MM = Fraction(10)  # §2.1, §2.4: node CR, new node threshold
TOO_SMALL_MM = Fraction(5)  # §2.3: present but too small to measure
NODES_ORGAN = "lymph nodes"

Number = int | float | Fraction | Decimal


class Role(StrEnum):
    """How a lesion is followed. New-lesion roles exist only under iRECIST (§3.3)."""

    TARGET = "target"
    NON_TARGET = "non_target"
    NEW_TARGET = "new_target"
    NEW_NON_TARGET = "new_non_target"


class Method(StrEnum):
    """How a lesion is measured; decides the measurability threshold (§2.1)."""

    CT_MRI = "ct_mri"
    CALIPER = "caliper"
    CHEST_XRAY = "chest_xray"


@dataclass(frozen=True)
class Lesion:
    """A lesion recorded at baseline (or, for new-lesion roles, when it first appears).

    `previously_irradiated`: lies in a field irradiated before baseline (§2.1);
    `progressed_after_irradiation`: has progressed since that irradiation;
    `planned_irradiation`: will be irradiated on study (this trial's arm A, §2.10).
    """

    id: str
    role: Role
    organ: str
    nodal: bool = False
    method: Method = Method.CT_MRI
    slice_thickness_mm: Fraction | None = None
    previously_irradiated: bool = False
    progressed_after_irradiation: bool = False
    planned_irradiation: bool = False


class ReadingKind(StrEnum):
    MEASURED = "measured"
    TOO_SMALL = "too_small"
    DISAPPEARED = "disappeared"
    FRAGMENTS = "fragments"
    COALESCED = "coalesced"


@dataclass(frozen=True)
class Reading:
    """One measured lesion at one assessment; `mm` is what enters the sum (§2.3)."""

    mm: Fraction
    kind: ReadingKind = ReadingKind.MEASURED
    coalesced_into: str | None = None

    @classmethod
    def measured(cls, value: Number) -> Reading:
        """An explicit diameter, used as given even below 5 mm (§2.3)."""
        return cls(to_mm(value))

    @classmethod
    def too_small(cls) -> Reading:
        """Present but too small to measure: 5 mm by convention (§2.3)."""
        return cls(TOO_SMALL_MM, ReadingKind.TOO_SMALL)

    @classmethod
    def disappeared(cls) -> Reading:
        """Judged to have disappeared: 0 mm (§2.3)."""
        return cls(Fraction(0), ReadingKind.DISAPPEARED)

    @classmethod
    def fragments(cls, parts: Iterable[Number | str]) -> Reading:
        """A split lesion: the sum of its fragments' diameters (§2.3).

        A fragment may be "too_small" (5 mm).
        """
        total = sum(
            (TOO_SMALL_MM if part == "too_small" else to_mm(part) for part in parts), Fraction(0)
        )
        return cls(total, ReadingKind.FRAGMENTS)

    @classmethod
    def coalesced(cls, into: str) -> Reading:
        """Merged with lesion `into`, which carries the whole mass: 0 mm here (§2.3)."""
        return cls(Fraction(0), ReadingKind.COALESCED, into)


def to_mm(value: Number) -> Fraction:
    """A diameter in millimetres as an exact fraction; floats by their decimal spelling."""
    if isinstance(value, bool) or not isinstance(value, int | float | Fraction | Decimal):
        raise TypeError(f"expected a number of millimetres, got {value!r}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"expected a finite number of millimetres, got {value!r}")
        value = Fraction(repr(value))
    mm = Fraction(value)
    if mm < 0:
        raise ValueError(f"a diameter cannot be negative, got {value!r}")
    return mm


_SIDE_WORDS = frozenset({"left", "right", "bilateral", "both", "l", "r", "lt", "rt"})
_PAIRED = {
    "lungs": "lung",
    "kidneys": "kidney",
    "ovaries": "ovary",
    "adrenals": "adrenal",
    "adrenal gland": "adrenal",
    "adrenal glands": "adrenal",
    "breasts": "breast",
}


def organ_group(organ: str, nodal: bool) -> str:
    """The organ a lesion counts against for the 2-per-organ rule (§2.2).

    All lymph nodes are one organ whatever their station; a paired organ is one
    organ whatever its side ("left lung" and "Lungs" both give "lung"; EORTC
    FAQ "Paired organs": lung, kidney, ovaries, lymph nodes).
    """
    if nodal:
        return NODES_ORGAN
    words = [w for w in re.split(r"[\s_\-]+", organ.strip().lower()) if w and w not in _SIDE_WORDS]
    name = " ".join(words)
    return _PAIRED.get(name, name)


def minimum_measurable_mm(lesion: Lesion) -> Fraction:
    """The smallest baseline diameter that makes `lesion` measurable (§2.1).

    Nodes: short axis ≥ 15 mm. Non-nodal: longest diameter ≥ 10 mm on CT/MRI
    (twice the slice thickness when slices are thicker than 5 mm) or by
    calipers, ≥ 20 mm on chest X-ray.
    """
    if lesion.nodal:
        return NODE_TARGET_MIN_SA_MM
    if lesion.method is Method.CHEST_XRAY:
        return CHEST_XRAY_MIN_MM
    if lesion.method is Method.CT_MRI and lesion.slice_thickness_mm is not None:
        return max(NON_NODAL_MIN_MM, 2 * lesion.slice_thickness_mm)
    return NON_NODAL_MIN_MM


def sum_of_diameters(readings: Iterable[Reading]) -> Fraction:
    """Sum of diameters: longest diameters of non-nodal targets plus short axes of nodes (§2.2).

    A split lesion enters as the sum of its fragments, a coalesced one as 0
    (its mass is recorded on the lesion it merged into) (§2.3).
    """
    return sum((reading.mm for reading in readings), Fraction(0))


def check_baseline(
    lesions: Sequence[Lesion],
    baseline: Mapping[str, Reading | None],
    settings: ResponseSettings,
    *,
    no_disease: bool = False,
) -> list[Violation]:
    """Every broken target-selection rule at baseline; an empty list means accepted.

    Rules (§2.1, §2.2, §2.10, §3.3): some disease must be recorded, unless the
    baseline reader declared that there is none (`no_disease`: a participant
    enrolled in complete response, followed for new lesions only, §2.6), in
    which case no target or non-target lesion may be recorded; at most 5
    targets and 2 per organ (nodes one organ, paired organs one organ); each
    target measured at baseline by one diameter at or above its measurability
    threshold; a target in a previously irradiated field only if it progressed
    since (unless the protocol allows it); a target planned for on-study
    radiotherapy only if the protocol keeps such targets. New-lesion targets
    (iRECIST) obey the same 5-total / 2-per-organ limits.
    """
    violations: list[Violation] = []
    targets = [lesion for lesion in lesions if lesion.role is Role.TARGET]
    baseline_disease = [x.id for x in lesions if x.role in (Role.TARGET, Role.NON_TARGET)]
    if no_disease and baseline_disease:
        violations.append(
            Violation(
                "disease_with_no_disease",
                "RECIST 1.1 §2.2: no evidence of disease declared at baseline",
                Message(
                    gettext_noop(
                        "No evidence of disease is declared at baseline, yet target or "
                        "non-target lesions are recorded."
                    )
                ),
                tuple(baseline_disease),
            )
        )
    elif not no_disease and not baseline_disease:
        violations.append(
            Violation(
                "no_baseline_disease",
                "RECIST 1.1 §2.2: baseline disease must be recorded",
                Message(gettext_noop("No target or non-target lesion is recorded at baseline.")),
            )
        )
    violations += _count_limits(targets, "RECIST 1.1 §2.2", "target")
    violations += _count_limits(
        [lesion for lesion in lesions if lesion.role is Role.NEW_TARGET],
        "iRECIST §3.3",
        "new-lesion target",
    )
    for lesion in targets:
        violations += _target_measurability(lesion, baseline.get(lesion.id))
        violations += _target_irradiation(lesion, settings)
    return violations


def _count_limits(targets: Sequence[Lesion], source: str, kind: str) -> list[Violation]:
    violations: list[Violation] = []
    if len(targets) > MAX_TARGETS:
        violations.append(
            Violation(
                "too_many_targets",
                f"{source}: at most {MAX_TARGETS} {kind} lesions",
                Message(
                    gettext_noop("%(count)d %(kind)s lesions selected; at most %(limit)d allowed."),
                    {"count": len(targets), "kind": kind, "limit": MAX_TARGETS},
                ),
                tuple(lesion.id for lesion in targets[MAX_TARGETS:]),
            )
        )
    by_organ: dict[str, list[str]] = defaultdict(list)
    for lesion in targets:
        by_organ[organ_group(lesion.organ, lesion.nodal)].append(lesion.id)
    for organ, ids in by_organ.items():
        if len(ids) > MAX_TARGETS_PER_ORGAN:
            violations.append(
                Violation(
                    "too_many_targets_in_organ",
                    f"{source}: at most {MAX_TARGETS_PER_ORGAN} {kind} lesions per organ "
                    "(all lymph nodes are one organ, paired organs are one organ)",
                    Message(
                        gettext_noop(
                            "%(count)d %(kind)s lesions in %(organ)s (%(ids)s); "
                            "at most %(limit)d per organ allowed."
                        ),
                        {
                            "count": len(ids),
                            "kind": kind,
                            "organ": organ,
                            "ids": ", ".join(ids),
                            "limit": MAX_TARGETS_PER_ORGAN,
                        },
                    ),
                    tuple(ids[MAX_TARGETS_PER_ORGAN:]),
                )
            )
    return violations


def _target_measurability(lesion: Lesion, reading: Reading | None) -> list[Violation]:
    if reading is None or reading.kind is not ReadingKind.MEASURED:
        return [
            Violation(
                "target_not_measured",
                "RECIST 1.1 §2.1: a target lesion is measured by one diameter at baseline",
                Message(
                    gettext_noop("Target lesion %(id)s has no single baseline measurement."),
                    {"id": lesion.id},
                ),
                (lesion.id,),
                reading_index=0,
            )
        ]
    minimum = minimum_measurable_mm(lesion)
    if reading.mm >= minimum:
        return []
    axis = "short axis" if lesion.nodal else "longest diameter"
    return [
        Violation(
            "target_not_measurable",
            f"RECIST 1.1 §2.1: a target {'node' if lesion.nodal else 'lesion'} needs {axis} "
            f"≥ {mm_text(minimum)} mm",
            Message(
                gettext_noop(
                    "Target lesion %(id)s: %(axis)s %(mm)s mm is below the %(minimum)s mm "
                    "needed to be measurable."
                ),
                {
                    "id": lesion.id,
                    "axis": axis,
                    "mm": mm_text(reading.mm),
                    "minimum": mm_text(minimum),
                },
            ),
            (lesion.id,),
            reading_index=0,
        )
    ]


def _target_irradiation(lesion: Lesion, settings: ResponseSettings) -> list[Violation]:
    violations: list[Violation] = []
    if (
        lesion.previously_irradiated
        and not lesion.progressed_after_irradiation
        and settings.previously_irradiated_targets == "if_progressed"
    ):
        violations.append(
            Violation(
                "irradiated_target_not_progressed",
                "RECIST 1.1 §2.1: a lesion in a previously irradiated field is non-measurable "
                "unless it has progressed since (setting previously_irradiated_targets)",
                Message(
                    gettext_noop(
                        "Target lesion %(id)s lies in a previously irradiated field and has not "
                        "progressed since; it can only be a non-target lesion."
                    ),
                    {"id": lesion.id},
                ),
                (lesion.id,),
            )
        )
    if lesion.planned_irradiation and settings.irradiated_targets == "exclude":
        violations.append(
            Violation(
                "planned_irradiation_target",
                "Protocol (§2.10, setting irradiated_targets=exclude): lesions to be irradiated "
                "on study are not targets",
                Message(
                    gettext_noop(
                        "Target lesion %(id)s will be irradiated on study; this protocol follows "
                        "such lesions as non-targets."
                    ),
                    {"id": lesion.id},
                ),
                (lesion.id,),
            )
        )
    return violations


def baseline_flags(lesions: Sequence[Lesion]) -> list[Flag]:
    """Flags for lesions affected by radiotherapy (§2.1, §2.10): kept, but worth a look."""
    flags: list[Flag] = []
    for lesion in lesions:
        if lesion.previously_irradiated:
            flags.append(
                Flag(
                    "previously_irradiated",
                    Message(
                        gettext_noop(
                            "%(role)s lesion %(id)s lies in a previously irradiated field."
                        ),
                        {"role": _role_text(lesion.role), "id": lesion.id},
                    ),
                )
            )
        if lesion.planned_irradiation and lesion.role is Role.TARGET:
            flags.append(
                Flag(
                    "planned_irradiation",
                    Message(
                        gettext_noop(
                            "Target lesion %(id)s will be irradiated on study; its response "
                            "reflects radiotherapy as well as systemic treatment."
                        ),
                        {"id": lesion.id},
                    ),
                )
            )
    return flags


def _role_text(role: Role) -> str:
    return {
        Role.TARGET: "Target",
        Role.NON_TARGET: "Non-target",
        Role.NEW_TARGET: "New-lesion target",
        Role.NEW_NON_TARGET: "New-lesion non-target",
    }[role]


def mm_text(mm: Fraction) -> str:
    """A diameter for messages: whole numbers without decimals, others as decimals."""
    return str(mm.numerator) if mm.denominator == 1 else f"{float(mm):g}"
