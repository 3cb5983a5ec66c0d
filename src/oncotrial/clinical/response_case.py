"""The stable JSON interface to the tumour-response engine (`oncotrial recist evaluate CASE.json`).

This module owns the case-in, result-out contract documented in
docs/recist-json.md: `evaluate_case` takes a decoded JSON case and returns a
JSON-ready result (time points, best overall response, progression date,
flags); `main` is the command-line entry point behind a CLI wrapper. Input
validation lives in `response_case_parse`, the rules in `recist` and
`irecist`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from oncotrial.clinical.irecist import evaluate_irecist
from oncotrial.clinical.recist import ResponseResult, SelectionError, TimePoint, evaluate_recist
from oncotrial.clinical.recist_flags import Violation
from oncotrial.clinical.response_case_parse import Case, CaseError, at, parse_case

__all__ = ["CaseError", "evaluate_case", "main", "render_result"]

USAGE = "usage: oncotrial recist evaluate CASE.json   (use - to read standard input)"


def evaluate_case(data: Any) -> dict[str, Any]:
    """Evaluate one decoded JSON case (format: docs/recist-json.md).

    Returns {"timepoints": [{"date", "sum_mm", "target", "non_target",
    "new_lesions", "overall"}], "best_overall_response", "progression_date",
    "flags": [{"code", "date", "message"}]}. Raises `CaseError`, naming the
    JSON path, for malformed input or a baseline selection that breaks a rule.
    """
    case = parse_case(data)
    evaluate = evaluate_irecist if case.criteria == "iRECIST" else evaluate_recist
    try:
        result = evaluate(
            case.lesions,
            list(case.assessments),
            case.settings,
            case.pre_enrolment_sums_mm,
            no_disease=case.no_evidence_of_disease,
        )
    except SelectionError as exc:
        raise _selection_error(case, exc.violations) from None
    return render_result(result)


def render_result(result: ResponseResult) -> dict[str, Any]:
    """The JSON form of an engine result: ISO dates, sums in mm, category names."""
    return {
        "timepoints": [_timepoint(tp) for tp in result.timepoints],
        "best_overall_response": str(result.best_overall_response),
        "progression_date": _iso(result.progression_date),
        "flags": [
            {"code": flag.code, "date": _iso(flag.date), "message": str(flag.message)}
            for flag in result.flags
        ],
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Evaluate the case in the file named by `argv[0]` ("-": standard input).

    Prints the result as JSON and returns 0; for unreadable or malformed input
    prints the message on standard error and returns 1; wrong usage returns 2.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1 or args[0] in ("-h", "--help"):
        print(USAGE, file=sys.stderr)
        return 2
    name = args[0]
    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: cannot read {name}: {exc}", file=sys.stderr)
        return 1
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except (json.JSONDecodeError, ValueError) as exc:
        print(f"error: {name} is not valid JSON: {exc}", file=sys.stderr)
        return 1
    try:
        result = evaluate_case(data)
    except CaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number in JSON")


def _timepoint(tp: TimePoint) -> dict[str, Any]:
    return {
        "date": tp.date.isoformat(),
        "sum_mm": _mm(tp.sum_mm),
        "target": _name(tp.target),
        "non_target": _name(tp.non_target),
        "new_lesions": _name(tp.new_lesions),
        "overall": _name(tp.overall),
    }


def _mm(value: Fraction | None) -> int | float | None:
    if value is None:
        return None
    return value.numerator if value.denominator == 1 else float(value)


def _name(value: object | None) -> str | None:
    return None if value is None else str(value)


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def _selection_error(case: Case, violations: Sequence[Violation]) -> CaseError:
    """One `CaseError` for all broken selection rules; the first path leads."""
    index = {lesion.id: i for i, lesion in enumerate(case.lesions)}
    lines = []
    for violation in violations:
        path = _violation_path(violation, index)
        lines.append(f"{path}: {violation.message} ({violation.rule})")
    first, _, problem = lines[0].partition(": ")
    return CaseError(first, "\n".join([problem, *lines[1:]]))


def _violation_path(violation: Violation, index: dict[str, int]) -> str:
    if not violation.lesion_ids:
        return "lesions"
    lesion_id = violation.lesion_ids[0]
    if violation.reading_index is None:
        return at("lesions", index[lesion_id])
    key = "new_lesion_targets" if violation.code.startswith("new_target") else "target"
    return at(at(at("assessments", violation.reading_index), key), lesion_id)
