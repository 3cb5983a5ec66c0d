"""Reading a tumour-response case from JSON data, with errors that name the JSON path.

This module owns the validation of the case format documented in
docs/recist-json.md: it turns a decoded JSON object into lesions,
assessments and settings for the engine, or raises `CaseError` naming the
offending path (e.g. `assessments[2].target.T4: expected a number, ...`).
Validated by hand rather than with pydantic so every message can name the
path and the rule in the trial's own words.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from oncotrial.clinical.recist import Assessment, NewLesions, NewLesionStatus, Response
from oncotrial.clinical.recist_lesions import Lesion, Method, Reading, ReadingKind, Role, to_mm
from oncotrial.clinical.recist_settings import SETTING_NAMES, ResponseSettings

Criteria = Literal["RECIST1.1", "iRECIST"]

READING_CHOICES = (
    'expected a number, "too_small", "disappeared", a list of fragment diameters, '
    '{"coalesced_into": "<lesion id>"} or null'
)
_NON_TARGET = {
    "CR": Response.CR,
    "non_CR_non_PD": Response.NON_CR_NON_PD,
    "PD": Response.PD,
    "NE": Response.NE,
}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CASE_KEYS = frozenset(
    {
        "criteria",
        "randomized",
        "no_evidence_of_disease",
        "lesions",
        "assessments",
        "pre_enrolment_sums_mm",
        *SETTING_NAMES,
    }
)
_LESION_KEYS = frozenset(
    {
        "id",
        "role",
        "organ",
        "nodal",
        "method",
        "slice_thickness_mm",
        "previously_irradiated",
        "progressed_after_irradiation",
        "planned_irradiation",
    }
)
_ASSESSMENT_KEYS = frozenset(
    {
        "date",
        "target",
        "non_target",
        "new_lesions",
        "new_lesion_targets",
        "new_lesion_non_target",
        "non_target_increased",
        "for_new_symptoms",
    }
)


class CaseError(ValueError):
    """Malformed case input; `path` is the JSON path at fault, `problem` what is wrong."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


@dataclass(frozen=True)
class Case:
    """A validated case, ready for the engine."""

    criteria: Criteria
    settings: ResponseSettings
    lesions: tuple[Lesion, ...]
    assessments: tuple[Assessment, ...]
    pre_enrolment_sums_mm: tuple[Fraction, ...]
    no_evidence_of_disease: bool = False


def at(base: str, key: str | int) -> str:
    """The JSON path of `key` inside `base`: `lesions[2]`, `assessments[0].target.T1`."""
    if isinstance(key, int):
        return f"{base}[{key}]"
    return f"{base}.{key}" if base else key


def parse_case(data: Any) -> Case:
    """Validate a decoded JSON case (format: docs/recist-json.md) or raise `CaseError`."""
    obj = _object(data, "(top level)", _CASE_KEYS)
    criteria = obj.get("criteria")
    if criteria not in ("RECIST1.1", "iRECIST"):
        raise CaseError("criteria", 'expected "RECIST1.1" or "iRECIST"')
    settings = _settings(obj)
    no_disease = _bool(obj, "no_evidence_of_disease", "", False)
    lesions = _lesions(obj.get("lesions"), may_be_empty=no_disease)
    assessments = _assessments(obj.get("assessments"), lesions, criteria)
    sums = _pre_enrolment_sums(obj, settings)
    return Case(criteria, settings, lesions, assessments, sums, no_disease)


def _object(value: Any, path: str, keys: frozenset[str]) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise CaseError(path, "expected a JSON object")
    for key in value:
        if key not in keys:
            raise CaseError(at(path if path != "(top level)" else "", key), "unknown key")
    return value


def _bool(obj: Mapping[str, Any], key: str, path: str, default: bool) -> bool:
    value = obj.get(key, default)
    if not isinstance(value, bool):
        raise CaseError(at(path, key), "expected true or false")
    return value


def _settings(obj: Mapping[str, Any]) -> ResponseSettings:
    randomized = _bool(obj, "randomized", "", True)
    # RECIST 1.1 §2.8: confirmation only outside randomized trials, unless stated.
    values: dict[str, Any] = {"confirm_response": not randomized}
    values.update({k: obj[k] for k in SETTING_NAMES if k in obj})
    try:
        return ResponseSettings(**values)
    except ValueError as exc:
        name, _, problem = str(exc).partition(": ")
        raise CaseError(name, problem) from None


def _pre_enrolment_sums(obj: Mapping[str, Any], settings: ResponseSettings) -> tuple[Fraction, ...]:
    if "pre_enrolment_sums_mm" not in obj:
        return ()
    if settings.nadir != "since_pre_induction":
        raise CaseError("pre_enrolment_sums_mm", 'used only with "nadir": "since_pre_induction"')
    values = obj["pre_enrolment_sums_mm"]
    if not isinstance(values, list):
        raise CaseError("pre_enrolment_sums_mm", "expected a list of sums in mm")
    return tuple(_millimetres(v, at("pre_enrolment_sums_mm", i)) for i, v in enumerate(values))


def _millimetres(value: Any, path: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CaseError(path, "expected a number of millimetres")
    try:
        return to_mm(value)
    except ValueError:
        raise CaseError(path, "expected a finite number of millimetres ≥ 0") from None


def _text(obj: Mapping[str, Any], key: str, path: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CaseError(at(path, key), "expected a non-empty string")
    return value


def _choice(obj: Mapping[str, Any], key: str, path: str, choices: Sequence[str]) -> str:
    value = obj.get(key)
    if value not in choices:
        raise CaseError(at(path, key), "expected " + _or(f'"{c}"' for c in choices))
    return str(value)


def _or(items: Any) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _lesions(value: Any, *, may_be_empty: bool) -> tuple[Lesion, ...]:
    """The lesions; an empty list only with no evidence of disease at baseline."""
    if may_be_empty and value is None:
        return ()
    if not isinstance(value, list) or not (value or may_be_empty):
        raise CaseError(
            "lesions",
            "expected a non-empty list of lesions "
            '(or "no_evidence_of_disease": true when the baseline shows no disease)',
        )
    lesions: list[Lesion] = []
    first_index: dict[str, int] = {}
    for i, item in enumerate(value):
        path = at("lesions", i)
        obj = _object(item, path, _LESION_KEYS)
        lesion_id = _text(obj, "id", path)
        if lesion_id in first_index:
            raise CaseError(
                at(path, "id"),
                f'duplicate id "{lesion_id}" (also lesions[{first_index[lesion_id]}])',
            )
        first_index[lesion_id] = i
        if "nodal" not in obj:
            raise CaseError(at(path, "nodal"), "required: true for a lymph node, else false")
        thickness = obj.get("slice_thickness_mm")
        lesions.append(
            Lesion(
                id=lesion_id,
                role=Role(_choice(obj, "role", path, [r.value for r in Role])),
                organ=_text(obj, "organ", path),
                nodal=_bool(obj, "nodal", path, False),
                method=Method(
                    _choice(
                        {"method": obj.get("method", "ct_mri")},
                        "method",
                        path,
                        [m.value for m in Method],
                    )
                ),
                slice_thickness_mm=None
                if thickness is None
                else _millimetres(thickness, at(path, "slice_thickness_mm")),
                previously_irradiated=_bool(obj, "previously_irradiated", path, False),
                progressed_after_irradiation=_bool(
                    obj, "progressed_after_irradiation", path, False
                ),
                planned_irradiation=_bool(obj, "planned_irradiation", path, False),
            )
        )
    return tuple(lesions)


def _date(obj: Mapping[str, Any], path: str) -> dt.date:
    value = obj.get("date")
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise CaseError(at(path, "date"), 'expected a date "YYYY-MM-DD"')
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CaseError(at(path, "date"), f'"{value}" is not a calendar date') from None


def _reading(value: Any, path: str, *, allow_coalesced: bool) -> Reading | None:
    if value is None:
        return None
    if value == "too_small":
        return Reading.too_small()
    if value == "disappeared":
        return Reading.disappeared()
    if isinstance(value, list):
        if not value:
            raise CaseError(path, "a split lesion needs at least one fragment")
        for i, part in enumerate(value):
            if part != "too_small":
                _millimetres(part, at(path, i))
        return Reading.fragments(value)
    if isinstance(value, dict) and allow_coalesced:
        if set(value) != {"coalesced_into"} or not isinstance(value["coalesced_into"], str):
            raise CaseError(path, 'a coalesced lesion is written {"coalesced_into": "<lesion id>"}')
        return Reading.coalesced(value["coalesced_into"])
    if isinstance(value, bool) or not isinstance(value, int | float):
        choices = (
            READING_CHOICES
            if allow_coalesced
            else READING_CHOICES.replace(', {"coalesced_into": "<lesion id>"}', "")
        )
        raise CaseError(path, choices)
    return Reading(_millimetres(value, path))


def _readings(
    obj: Mapping[str, Any],
    key: str,
    path: str,
    allowed: Mapping[str, Role],
    role: Role,
    *,
    allow_coalesced: bool,
) -> dict[str, Reading | None]:
    value = obj.get(key, {})
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise CaseError(at(path, key), "expected an object mapping lesion ids to measurements")
    readings: dict[str, Reading | None] = {}
    for lesion_id, raw in value.items():
        where = at(at(path, key), lesion_id)
        if lesion_id not in allowed:
            raise CaseError(where, "no lesion with this id")
        if allowed[lesion_id] is not role:
            raise CaseError(where, f"lesion {lesion_id} is declared as {allowed[lesion_id].value}")
        readings[lesion_id] = _reading(raw, where, allow_coalesced=allow_coalesced)
    for lesion_id, reading in readings.items():
        if reading is not None and reading.kind is ReadingKind.COALESCED:
            _check_coalesced(lesion_id, reading, readings, at(at(path, key), lesion_id))
    return readings


def _check_coalesced(
    lesion_id: str, reading: Reading, readings: Mapping[str, Reading | None], where: str
) -> None:
    into = reading.coalesced_into
    if into == lesion_id:
        raise CaseError(where, "a lesion cannot coalesce into itself")
    if into not in readings:
        raise CaseError(where, f'"{into}" is not a target measured at this assessment')
    other = readings[into]
    if other is None or other.kind in (ReadingKind.COALESCED, ReadingKind.DISAPPEARED):
        raise CaseError(where, f'"{into}" must carry the measurement of the coalesced mass')


def _new_lesion_non_targets(
    obj: Mapping[str, Any], path: str, allowed: Mapping[str, Role]
) -> dict[str, NewLesionStatus]:
    value = obj.get("new_lesion_non_target")
    if value is None:
        return {}
    where = at(path, "new_lesion_non_target")
    if not isinstance(value, dict):
        raise CaseError(where, "expected null or an object mapping lesion ids to statuses")
    statuses: dict[str, NewLesionStatus] = {}
    choices = _or(f'"{s.value}"' for s in NewLesionStatus)
    for lesion_id, raw in value.items():
        if allowed.get(lesion_id) is not Role.NEW_NON_TARGET:
            raise CaseError(at(where, lesion_id), "not a lesion declared as new_non_target")
        if raw not in {s.value for s in NewLesionStatus}:
            raise CaseError(at(where, lesion_id), f"expected {choices}")
        statuses[lesion_id] = NewLesionStatus(raw)
    return statuses


def _assessments(
    value: Any, lesions: Sequence[Lesion], criteria: Criteria
) -> tuple[Assessment, ...]:
    if not isinstance(value, list) or not value:
        raise CaseError("assessments", "expected a non-empty list; the first is the baseline")
    roles = {lesion.id: lesion.role for lesion in lesions}
    has_non_targets = any(lesion.role is Role.NON_TARGET for lesion in lesions)
    result: list[Assessment] = []
    for i, item in enumerate(value):
        path = at("assessments", i)
        assessment = _assessment(item, path, roles, has_non_targets, baseline=i == 0)
        if result and assessment.date <= result[-1].date:
            raise CaseError(
                at(path, "date"),
                f"must be after the previous assessment's date ({result[-1].date.isoformat()})",
            )
        if criteria == "iRECIST" and i > 0:
            _check_new_lesion_consistency(assessment, path)
        result.append(assessment)
    return tuple(result)


def _assessment(
    item: Any,
    path: str,
    roles: Mapping[str, Role],
    has_non_targets: bool,
    *,
    baseline: bool,
) -> Assessment:
    obj = _object(item, path, _ASSESSMENT_KEYS)
    date = _date(obj, path)
    target = _readings(obj, "target", path, roles, Role.TARGET, allow_coalesced=True)
    new_targets = _readings(
        obj, "new_lesion_targets", path, roles, Role.NEW_TARGET, allow_coalesced=False
    )
    new_non_targets = _new_lesion_non_targets(obj, path, roles)
    non_target = _non_target(obj, path, has_non_targets, baseline=baseline)
    new_lesions = _new_lesions(obj, path, baseline=baseline)
    if baseline:
        for key, present in (
            ("new_lesion_targets", new_targets),
            ("new_lesion_non_target", new_non_targets),
        ):
            if present:
                raise CaseError(at(path, key), "the baseline has no new lesions")
    return Assessment(
        date=date,
        target=target,
        non_target=non_target,
        new_lesions=new_lesions,
        new_lesion_targets=new_targets,
        new_lesion_non_targets=new_non_targets,
        non_target_increased=_bool(obj, "non_target_increased", path, False),
        for_new_symptoms=_bool(obj, "for_new_symptoms", path, False),
    )


def _non_target(
    obj: Mapping[str, Any], path: str, has_non_targets: bool, *, baseline: bool
) -> Response | None:
    value = obj.get("non_target")
    where = at(path, "non_target")
    if value is None:
        return None
    if not has_non_targets:
        raise CaseError(where, "no non-target lesion is declared, so this must be null")
    if baseline:
        if value != "non_CR_non_PD":
            raise CaseError(where, 'at baseline expected "non_CR_non_PD" (present) or null')
        return None
    if value not in _NON_TARGET:
        raise CaseError(where, "expected " + _or([*(f'"{k}"' for k in _NON_TARGET), "null"]))
    return _NON_TARGET[value]


def _new_lesions(obj: Mapping[str, Any], path: str, *, baseline: bool) -> NewLesions | None:
    where = at(path, "new_lesions")
    choices = _or([*(f'"{s.value}"' for s in NewLesions), "null"])
    if baseline:
        if obj.get("new_lesions", "none") not in ("none", None):
            raise CaseError(where, 'the baseline has no new lesions: expected "none" or null')
        return NewLesions.NONE
    if "new_lesions" not in obj:
        raise CaseError(where, f"required: {choices} (null: not assessed)")
    value = obj["new_lesions"]
    if value is None:
        return None
    if value not in {s.value for s in NewLesions}:
        raise CaseError(where, f"expected {choices}")
    return NewLesions(value)


def _check_new_lesion_consistency(assessment: Assessment, path: str) -> None:
    """Under iRECIST the listed new lesions must agree with `new_lesions` (§3.3)."""
    present = sorted(
        [i for i, r in assessment.new_lesion_targets.items() if r is not None and r.mm > 0]
        + [
            i
            for i, s in assessment.new_lesion_non_targets.items()
            if s is not NewLesionStatus.ABSENT
        ]
    )
    where = at(path, "new_lesions")
    unequivocal = assessment.new_lesions is NewLesions.UNEQUIVOCAL
    if present and not unequivocal:
        raise CaseError(
            where,
            f"new lesion(s) {', '.join(present)} are recorded as present, so this must be "
            '"unequivocal"',
        )
    if unequivocal and not present:
        raise CaseError(
            where,
            '"unequivocal" under iRECIST needs the new lesions listed in new_lesion_targets '
            "or new_lesion_non_target",
        )
