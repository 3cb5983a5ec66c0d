"""Reading the baseline and follow-up forms into the engine's terms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from oncotrial.response.models import Lesion
from oncotrial.response.services import Draft

BASELINE_ROWS = 8
MAX_MM = Decimal(500)


class FormProblem(ValueError):
    """Bad input, with the field it concerns."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


def _date(data: QueryDict, name: str, today: dt.date) -> dt.date:
    try:
        value = dt.date.fromisoformat(data.get(name, ""))
    except ValueError:
        raise FormProblem(name, _("Enter the date of the scan.")) from None
    if value > today:
        raise FormProblem(name, _("This date cannot be in the future."))
    return value


def _reading(data: QueryDict, code: str) -> Any:
    """A target lesion's reading: a number in mm, too_small, disappeared, or None."""
    state = data.get(f"state_{code}", "measured")
    if state in ("too_small", "disappeared"):
        return state
    if state == "not_assessed":
        return None
    raw = (data.get(f"mm_{code}") or "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise FormProblem(f"mm_{code}", _("Enter a size in millimetres.")) from None
    if not Decimal(0) <= value <= MAX_MM:
        raise FormProblem(f"mm_{code}", _("A diameter is 0 to 500 mm."))
    return int(value) if value == int(value) else float(value)


def baseline_from(data: QueryDict, today: dt.date) -> tuple[list[Lesion], Draft]:
    lesions, readings = [], {}
    for i in range(BASELINE_ROWS):
        code = (data.get(f"code_{i}") or "").strip()
        organ = (data.get(f"organ_{i}") or "").strip()
        if not code or not organ:
            continue
        role = data.get(f"role_{i}", "target")
        lesions.append(
            Lesion(
                code=code,
                role=role if role in ("target", "non_target") else "target",
                organ=organ,
                nodal=bool(data.get(f"nodal_{i}")),
                previously_irradiated=bool(data.get(f"irradiated_{i}")),
            )
        )
        if role == "target":
            readings[code] = _reading(QueryDict(f"mm_{code}={data.get(f'mm_{i}', '')}"), code)
    if not lesions:
        raise FormProblem("code_0", _("Enter at least one lesion with its organ."))
    return lesions, Draft(_date(data, "assessed_on", today), readings, None, "none")


def follow_up_from(data: QueryDict, targets: list[Lesion], today: dt.date) -> Draft:
    return Draft(
        _date(data, "assessed_on", today),
        {lesion.code: _reading(data, lesion.code) for lesion in targets},
        data.get("non_target") or None,
        data.get("new_lesions") or None,
    )
