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
    no_disease = bool(data.get("no_disease"))
    if not lesions and not no_disease:
        raise FormProblem("code_0", _("Enter at least one lesion with its organ."))
    draft = Draft(_date(data, "assessed_on", today), readings, None, "none", no_disease)
    return lesions, draft


NEW_ROWS = 3
NEW_STATES = ("present", "increased", "unequivocal_pd", "absent")


def follow_up_from(
    data: QueryDict, lesions: list[Lesion], today: dt.date
) -> tuple[Draft, list[Lesion]]:
    """The follow-up's readings, and the new lesions it declares (iRECIST)."""
    readings: dict[str, object] = {}
    for lesion in lesions:
        if lesion.role in ("target", "new_target"):
            readings[lesion.code] = _reading(data, lesion.code)
        elif lesion.role == "new_non_target":
            status = data.get(f"nstatus_{lesion.code}") or None
            readings[lesion.code] = status if status in NEW_STATES else None
    taken = {lesion.code for lesion in lesions}
    new = []
    for i in range(NEW_ROWS):
        code = (data.get(f"nl_code_{i}") or "").strip()
        organ = (data.get(f"nl_organ_{i}") or "").strip()
        if not code:
            continue
        if code in taken:
            raise FormProblem(f"nl_code_{i}", _("Lesion %(code)s exists already.") % {"code": code})
        if not organ:
            raise FormProblem(f"nl_organ_{i}", _("Give the organ of the new lesion."))
        role = "new_target" if data.get(f"nl_role_{i}") == "new_target" else "new_non_target"
        new.append(Lesion(code=code, role=role, organ=organ, nodal=bool(data.get(f"nl_nodal_{i}"))))
        taken.add(code)
        if role == "new_target":
            readings[code] = _reading(QueryDict(f"mm_{code}={data.get(f'nl_mm_{i}', '')}"), code)
        else:
            readings[code] = "present"
    draft = Draft(
        _date(data, "assessed_on", today),
        readings,
        data.get("non_target") or None,
        data.get("new_lesions") or None,
    )
    return draft, new
