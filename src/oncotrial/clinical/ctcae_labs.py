"""CTCAE v5.0 laboratory grades from a measured value and its reference range.

Owns the grading of the laboratory terms of clinical-rules.md §4.2 from a
value, its unit and the lab's reference limits (and the participant's
baseline where CTCAE uses one): Neutrophil count decreased, Platelet count
decreased, White blood cell decreased, Lymphocyte count decreased, Anemia
(haemoglobin), Alanine and Aspartate aminotransferase increased, Blood
bilirubin increased and Creatinine increased.

Sources: clinical-rules.md §4.2 (the term table and "Boundary semantics for
lab grades"); the grade text of each term in the NCI file, read through
`oncotrial.clinical.ctcae`. The thresholds are parsed from that text, not
retyped, so they cannot drift from the NCI wording; the tests pin the parsed
result. Unit spellings and their exact factors are not kept here: they come
from `oncotrial.clinical.units`, the table eligibility uses too. Written by
hand: no maintained library grades CTCAE v5.0.

How the NCI notation is read (§4.2: "the range includes B and excludes A"):

* ``<A - B``   A > value >= B          ``<LLN - B``  below the LLN and >= B
* ``<A``       value < A
* ``>A - B``   A < value <= B          ``>ULN - B x ULN``  above ULN, <= B x ULN
* ``A - B``    A <= value <= B         (no sign: both ends included)
* ``>A``       value > A
* ``;`` separates alternatives ("or"); the grade is the highest whose
  clause holds.

Where a value exactly at a boundary falls (SI clauses; ratios are value/ULN
or value/baseline):

=================================  ==========  ==========  ==========  =======
term                               G1          G2          G3          G4
=================================  ==========  ==========  ==========  =======
Neutrophil count decreased 10⁹/L   <LLN, ≥1.5  <1.5, ≥1.0  <1.0, ≥0.5  <0.5
Platelet count decreased 10⁹/L     <LLN, ≥75   <75, ≥50    <50, ≥25    <25
White blood cell decreased 10⁹/L   <LLN, ≥3.0  <3.0, ≥2.0  <2.0, ≥1.0  <1.0
Lymphocyte count decreased 10⁹/L   <LLN, ≥0.8  <0.8, ≥0.5  <0.5, ≥0.2  <0.2
Anemia, Hb g/L                     <LLN, ≥100  <100, ≥80   <80         (none)
Anemia, Hb mmol/L                  <LLN, ≥6.2  <6.2, ≥4.9  <4.9        (none)
ALT/AST, baseline normal, ×ULN     >1, ≤3      >3, ≤5      >5, ≤20     >20
ALT/AST, baseline abnormal, ×base  ≥1.5, ≤3    >3, ≤5      >5, ≤20     >20
Bilirubin, baseline normal, ×ULN   >1, ≤1.5    >1.5, ≤3    >3, ≤10     >10
Bilirubin, baseline abnormal, ×b   >1, ≤1.5    >1.5, ≤3    >3, ≤10     >10
Creatinine ×ULN                    >1, ≤1.5    >1.5, ≤3    >3, ≤6      >6
Creatinine ×baseline               (none)      >1.5, ≤3    >3          (none)
=================================  ==========  ==========  ==========  =======

So neutrophils of exactly 1.5, 1.0 and 0.5 ×10⁹/L are grades 1 (if below
the LLN), 2 and 3; ALT of exactly 3, 5 and 20 ×ULN is grade 1, 2 and 3; a
value equal to the LLN or ULN is grade 0.

Decisions, all from the literal NCI text:

* Grades 2–4 of the decreased counts and of anaemia are absolute: they do not
  look at the LLN. Only grade 1 also needs "below the LLN", so with an LLN at
  or under the grade-1 floor (e.g. neutrophil LLN 1.2) grade 1 cannot occur.
* Anaemia is graded from haemoglobin up to grade 3; grades 4 and 5 (and
  "transfusion indicated") are clinical judgements. g/L and g/dL use the NCI's
  g/L clauses (g/dL converts exactly); mmol/L uses the NCI's own mmol/L
  clauses, because 100 g/L is not exactly 6.2 mmol/L.
* ALT, AST and bilirubin: the baseline is abnormal when it is above the ULN
  (§4.2). Without a baseline the ×ULN clauses apply, and the result says so.
  With an abnormal baseline only the ×baseline clauses apply, so a value of
  1.4 × an abnormal baseline is grade 0 even if above the ULN.
* Creatinine: the ×ULN and ×baseline clauses are alternatives ("or"), whatever
  the baseline; without a baseline only the ×ULN clauses apply.
* Arithmetic is exact (Fraction) throughout; a float input is read by its
  shortest decimal form (1.0 stays exactly 1.0).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Protocol

from oncotrial.clinical import ctcae, units
from oncotrial.text import Message, gettext_noop

__all__ = [
    "LAB_TERMS",
    "BaselineCondition",
    "Basis",
    "Clause",
    "LabGrade",
    "LabValueError",
    "Measured",
    "Quantity",
    "grade_lab",
    "lab_clauses",
]


class LabValueError(ValueError):
    """A laboratory value, limit or unit that cannot be graded, naming the field."""

    def __init__(self, field: str, message: Message) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


# -------------------------------------------------------------------- units
# Spellings, normalisation and factors come from `oncotrial.clinical.units`; a
# value is graded in its dimension's base unit (10^9/L, g/L, mmol/L, U/L).


Number = Decimal | Fraction | int | float | str


class Measured(Protocol):
    """Anything with a numeric `value` and a `unit` (Quantity, or a recorded result)."""

    @property
    def value(self) -> Number: ...

    @property
    def unit(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Quantity:
    """A laboratory value with its unit, e.g. Quantity("1.0", "10^9/L")."""

    value: Number
    unit: str

    def __str__(self) -> str:
        return f"{self.value} {self.unit}"


def _exact(value: object, field: str) -> Fraction:
    # A float is read as the decimal it prints as (1.0 stays exactly 1.0).
    try:
        if isinstance(value, bool) or not isinstance(value, Number):
            raise TypeError
        number = Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
    except (TypeError, ValueError, ArithmeticError):
        raise LabValueError(
            field,
            Message(gettext_noop("%(value)s is not a finite number."), {"value": repr(value)}),
        ) from None
    return number


def _in_base(quantity: Measured, field: str) -> tuple[Fraction, units.Unit]:
    unit = units.find(quantity.unit)
    if unit is None:
        raise LabValueError(
            field,
            Message(
                gettext_noop("%(unit)s is not a unit this grading understands."),
                {"unit": str(quantity.unit)},
            ),
        )
    number = _exact(quantity.value, field)
    if number < 0:
        raise LabValueError(field, Message(gettext_noop("A laboratory value cannot be negative.")))
    return number * unit.factor, unit


def _text(quantity: Measured) -> str:
    return f"{quantity.value} {quantity.unit}"


# ------------------------------------------------------------------ clauses


class Basis(StrEnum):
    """What a clause's numbers are: the value itself, or multiples of a reference."""

    VALUE = "value"
    ULN = "uln"
    BASELINE = "baseline"


class BaselineCondition(StrEnum):
    """When a clause applies: always, or only for a normal / abnormal baseline."""

    ANY = "any"
    NORMAL = "normal"
    ABNORMAL = "abnormal"


@dataclass(frozen=True, slots=True)
class Clause:
    """One "or" alternative of a CTCAE grade description, as an interval."""

    grade: int
    text: str  # verbatim from the NCI file
    basis: Basis
    unit: str | None  # base unit of a Basis.VALUE clause ("10^9/L", "g/L", "mmol/L")
    lower: Fraction | None
    lower_inclusive: bool
    upper: Fraction | None
    upper_inclusive: bool
    below_lln: bool  # "<LLN - B": the value must also be below the LLN
    baseline: BaselineCondition

    def holds(self, x: Fraction) -> bool:
        """Whether `x` (in the clause's basis) lies in the clause's interval."""
        if self.lower is not None and (
            x < self.lower or (x == self.lower and not self.lower_inclusive)
        ):
            return False
        return not (
            self.upper is not None
            and (x > self.upper or (x == self.upper and not self.upper_inclusive))
        )


_CLAUSE = re.compile(
    r"""^(?:Hemoglobin\ \(Hgb\)\ |Hgb\ )?
    (?P<op>[<>])?\s*
    (?P<a>LLN|ULN|\d+(?:\.\d+)?)
    (?:\s*-\s*(?P<b>\d+(?:\.\d+)?))?
    \s*(?:x\s*(?P<scale>ULN|baseline|10e9\s*/L))?
    \s*(?P<unit>g/L|g/dL|mmol/L)?
    (?:\s+if\ baseline\ was\ (?P<baseline>normal|abnormal))?$""",
    re.VERBOSE,
)


def _parse(grade: int, text: str) -> Clause | None:
    """The interval a clause states, or None for non-laboratory text."""
    match = _CLAUSE.match(text)
    if match is None:
        return None
    op, a, b, scale, unit = match.group("op", "a", "b", "scale", "unit")
    if scale in ("ULN", "baseline"):
        basis, unit = Basis(scale.lower()), None
    elif scale is not None:
        basis, unit = Basis.VALUE, "10^9/L"
    elif unit is not None:
        basis = Basis.VALUE
    else:
        return None
    condition = BaselineCondition(match.group("baseline") or "any")
    below_lln = a == "LLN"
    first = None if a in ("LLN", "ULN") else Fraction(a)
    if a == "ULN":
        first = Fraction(1)  # ">ULN - B x ULN": above 1 x ULN
    second = Fraction(b) if b is not None else None
    if op == "<":  # decreasing: "<A - B" excludes A, includes B
        lower, lower_inc, upper, upper_inc = second, True, first, False
    elif op == ">":  # increasing: ">A - B" excludes A, includes B
        lower, lower_inc, upper, upper_inc = first, False, second, True
    elif second is not None:  # "A - B" with no sign includes both ends
        lower, lower_inc, upper, upper_inc = first, True, second, True
    else:
        return None
    return Clause(
        grade=grade,
        text=text,
        basis=basis,
        unit=unit,
        lower=lower,
        lower_inclusive=lower_inc,
        upper=upper,
        upper_inclusive=upper_inc,
        below_lln=below_lln,
        baseline=condition,
    )


# Laboratory terms and the clause kinds used for each: a base unit for value
# clauses, or a Basis for ratio clauses. g/dL and /mm3 clauses are left out on
# purpose: those units convert exactly to the SI clauses used.
_LAB_SPECS: dict[str, frozenset[str]] = {
    "Neutrophil count decreased": frozenset({"10^9/L"}),
    "Platelet count decreased": frozenset({"10^9/L"}),
    "White blood cell decreased": frozenset({"10^9/L"}),
    "Lymphocyte count decreased": frozenset({"10^9/L"}),
    "Anemia": frozenset({"g/L", "mmol/L"}),
    "Alanine aminotransferase increased": frozenset({Basis.ULN, Basis.BASELINE}),
    "Aspartate aminotransferase increased": frozenset({Basis.ULN, Basis.BASELINE}),
    "Blood bilirubin increased": frozenset({Basis.ULN, Basis.BASELINE}),
    "Creatinine increased": frozenset({Basis.ULN, Basis.BASELINE}),
}
LAB_TERMS: tuple[str, ...] = tuple(_LAB_SPECS)


def _lab_term(term: str) -> ctcae.Term:
    resolved = ctcae.term_by_name(term)
    if resolved.name not in _LAB_SPECS:
        raise LabValueError(
            "term",
            Message(
                gettext_noop("%(term)s is not graded from a laboratory value here."),
                {"term": resolved.name},
            ),
        )
    return resolved


@functools.cache
def _clauses(name: str) -> tuple[Clause, ...]:
    term = ctcae.term_by_name(name)
    kinds = _LAB_SPECS[name]
    found = []
    for grade in term.allowed_grades:
        description = term.grade_description(grade) or ""
        for part in description.split(";"):
            clause = _parse(grade, part.strip())
            if clause is not None and (clause.unit or clause.basis) in kinds:
                found.append(clause)
    return tuple(found)


def lab_clauses(term: str) -> tuple[Clause, ...]:
    """The clauses used to grade a laboratory term, parsed from the NCI text."""
    return _clauses(_lab_term(term).name)


# ------------------------------------------------------------------ grading


@dataclass(frozen=True, slots=True)
class LabGrade:
    """A laboratory grade and the NCI clause that gave it."""

    term: str
    grade: int  # 0 when no clause holds (the value is not abnormal enough)
    rule: str | None  # the verbatim clause that set the grade; None at grade 0
    grade_text: str | None  # the NCI description of that grade; None at grade 0
    basis: Basis | None  # what the clause compared the value with
    # Increased terms: whether the baseline was above the ULN (None: no baseline
    # given, or a decreased term, which does not use one).
    baseline_abnormal: bool | None
    explanation: Message


def _display(x: Fraction) -> str:
    # Display only (decisions use the exact fraction): four decimals at most, so
    # a ratio just above a boundary does not print as the boundary (3.025, not 3.02).
    text = f"{Decimal(x.numerator) / Decimal(x.denominator):.4f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _same_dimension(
    reference: units.Unit, other: Measured, field: str, value_unit: str
) -> Fraction:
    x, unit = _in_base(other, field)
    if unit.dimension != reference.dimension:
        raise LabValueError(
            field,
            Message(
                gettext_noop(
                    "%(unit)s cannot be compared with the value's unit %(value_unit)s "
                    "without a molar mass; give both in the same kind of unit."
                ),
                {"unit": other.unit, "value_unit": value_unit},
            ),
        )
    return x


def _missing(field: str, term: str) -> LabValueError:
    return LabValueError(
        field,
        Message(
            gettext_noop("%(term)s needs %(field)s to be graded."),
            {"term": term, "field": field},
        ),
    )


def _result(
    term: ctcae.Term,
    best: Clause | None,
    explanation: Message,
    baseline_abnormal: bool | None = None,
) -> LabGrade:
    if best is None:
        return LabGrade(term.name, 0, None, None, None, baseline_abnormal, explanation)
    return LabGrade(
        term=term.name,
        grade=best.grade,
        rule=best.text,
        grade_text=term.grade_description(best.grade),
        basis=best.basis,
        baseline_abnormal=baseline_abnormal,
        explanation=explanation,
    )


def _grade_decreased(term: ctcae.Term, value: Measured, lln: Measured | None) -> LabGrade:
    x, unit = _in_base(value, "value")
    clauses = [c for c in _clauses(term.name) if c.unit == unit.base]
    if not clauses:
        raise LabValueError(
            "value",
            Message(
                gettext_noop("%(term)s cannot be graded from a value in %(unit)s."),
                {"term": term.name, "unit": value.unit},
            ),
        )
    if lln is None:
        raise _missing("lln", term.name)
    limit = _same_dimension(unit, lln, "lln", value.unit)
    held = [c for c in clauses if c.holds(x) and (not c.below_lln or x < limit)]
    best = max(held, key=lambda c: c.grade, default=None)
    params = {"term": term.name, "value": _text(value), "lln": _text(lln)}
    if best is None:
        return _result(
            term,
            None,
            Message(
                gettext_noop("%(term)s: %(value)s, LLN %(lln)s; meets no CTCAE v5.0 grade."),
                params,
            ),
        )
    return _result(
        term,
        best,
        Message(
            gettext_noop("%(term)s grade %(grade)s: %(value)s, LLN %(lln)s; meets “%(rule)s”."),
            {**params, "grade": best.grade, "rule": best.text},
        ),
    )


def _grade_increased(
    term: ctcae.Term, value: Measured, uln: Measured | None, baseline: Measured | None
) -> LabGrade:
    x, unit = _in_base(value, "value")
    if uln is None:
        raise _missing("uln", term.name)
    limit = _same_dimension(unit, uln, "uln", value.unit)
    if limit <= 0:
        raise LabValueError(
            "uln", Message(gettext_noop("The upper limit of normal must be above 0."))
        )
    base: Fraction | None = None
    if baseline is not None:
        base = _same_dimension(unit, baseline, "baseline", value.unit)
        if base <= 0:
            raise LabValueError("baseline", Message(gettext_noop("A baseline must be above 0.")))
    abnormal = base is not None and base > limit  # §4.2: abnormal = above the ULN
    ratios = {Basis.ULN: x / limit, Basis.BASELINE: x / base if base is not None else None}

    held = []
    for clause in _clauses(term.name):
        if clause.baseline is BaselineCondition.NORMAL and abnormal:
            continue
        if clause.baseline is BaselineCondition.ABNORMAL and not abnormal:
            continue
        ratio = ratios[clause.basis]
        if ratio is not None and clause.holds(ratio):
            held.append(clause)
    best = max(held, key=lambda c: c.grade, default=None)

    params = {
        "term": term.name,
        "value": _text(value),
        "uln_ratio": _display(x / limit),
        "baseline_ratio": _display(x / base) if base is not None else "-",
    }
    if best is None:
        explanation = Message(
            gettext_noop(
                "%(term)s: %(value)s = %(uln_ratio)s x ULN, %(baseline_ratio)s x baseline; "
                "meets no CTCAE v5.0 grade."
            ),
            params,
        )
    else:
        explanation = Message(
            gettext_noop(
                "%(term)s grade %(grade)s: %(value)s = %(uln_ratio)s x ULN, "
                "%(baseline_ratio)s x baseline; meets “%(rule)s”."
            ),
            {**params, "grade": best.grade, "rule": best.text},
        )
    return _result(term, best, explanation, None if base is None else abnormal)


def grade_lab(
    term: str,
    value: Measured,
    *,
    lln: Measured | None = None,
    uln: Measured | None = None,
    baseline: Measured | None = None,
) -> LabGrade:
    """The CTCAE v5.0 grade of a laboratory value (0 when no grade applies).

    `term` is a CTCAE term name of LAB_TERMS (any case). Decreased counts and
    Anemia need `lln`; the increased terms need `uln` and take the
    participant's `baseline` value when there is one (see the module notes).
    Limits and baseline must be in the same kind of unit as the value (any
    spelling of it that converts exactly). Raises LabValueError naming the
    field at fault, or ctcae.UnknownTermError for a name CTCAE does not have.
    """
    resolved = _lab_term(term)
    if _LAB_SPECS[resolved.name] & {Basis.ULN, Basis.BASELINE}:
        return _grade_increased(resolved, value, uln, baseline)
    return _grade_decreased(resolved, value, lln)
