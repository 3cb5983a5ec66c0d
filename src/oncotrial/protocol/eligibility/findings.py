"""The building blocks every eligibility rule shares: three-valued findings.

This module owns `_Finding` (a sub-question answered True, False or undecided,
with its reasons and the evidence fields still needed), the helpers that make one
(`_fact`, `_known`, `_unknown`, `_flag`), Kleene combination (`_combine`,
`_all_of`, `_any_of`), turning a finding into a rule outcome (`_outcome`), number
formatting for reasons (`_fmt`), the age finding several rules share, and the
base of every rule's parameter model (`_Params`, `NoParams`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from oncotrial.clinical import laboratory
from oncotrial.protocol.eligibility.dates import age_in_years
from oncotrial.protocol.eligibility.evidence import Number, ScreeningEvidence
from oncotrial.protocol.eligibility.results import CriterionStatus, RuleOutcome
from oncotrial.text import Message, gettext_noop


@dataclass(frozen=True)
class _Finding:
    """A sub-question's answer: True, False or None (undecided), with reasons and needs."""

    holds: bool | None
    reasons: tuple[Message, ...]
    missing: tuple[str, ...] = ()


def _fact(holds: bool, template: str, **params: object) -> _Finding:
    return _Finding(holds, (Message(template, params),))


def _known(holds: bool, if_true: str, if_false: str, **params: object) -> _Finding:
    return _fact(holds, if_true if holds else if_false, **params)


def _unknown(template: str, *missing: str, **params: object) -> _Finding:
    return _Finding(None, (Message(template, params),), missing)


def _flag(
    evidence: ScreeningEvidence,
    name: str,
    if_yes: str,
    if_no: str,
    if_none: str,
    *,
    holds_when: bool = True,
) -> _Finding:
    """A recorded yes/no answer; the finding holds when the answer is `holds_when`."""
    value = getattr(evidence, name)
    if value is None:
        return _unknown(if_none, name)
    return _Finding(value is holds_when, (Message(if_yes if value else if_no),))


def _combine(findings: Sequence[_Finding], decisive: bool) -> _Finding:
    """Kleene logic. All-of: one False decides; any-of: one True decides. Otherwise any
    undecided part leaves the whole undecided, naming what each part still needs."""
    deciding = [finding for finding in findings if finding.holds is decisive]
    if deciding:
        return _Finding(decisive, tuple(r for finding in deciding for r in finding.reasons))
    reasons = tuple(r for finding in findings for r in finding.reasons)
    undecided = [finding for finding in findings if finding.holds is None]
    if undecided:
        missing = tuple(dict.fromkeys(m for finding in undecided for m in finding.missing))
        return _Finding(None, reasons, missing)
    return _Finding(not decisive, reasons)


def _all_of(*findings: _Finding) -> _Finding:
    return _combine(findings, decisive=False)


def _any_of(*findings: _Finding) -> _Finding:
    return _combine(findings, decisive=True)


def _explained(template: str, finding: _Finding, **params: object) -> _Finding:
    return replace(finding, reasons=(Message(template, params), *finding.reasons))


def _outcome(finding: _Finding) -> RuleOutcome:
    status = {
        True: CriterionStatus.MET,
        False: CriterionStatus.NOT_MET,
        None: CriterionStatus.INSUFFICIENT,
    }[finding.holds]
    return status, finding.reasons, finding.missing


def _fmt(value: Number) -> str:
    """A number for display: exact when it has at most 2 decimals, else "~" and 2 decimals."""
    exact = laboratory.as_fraction(value, "value")
    shown = round(exact, 2)
    text = format((Decimal(shown.numerator) / Decimal(shown.denominator)).normalize(), "f")
    return text if shown == exact else f"~{text}"


def _missing(evidence: ScreeningEvidence, *names: str) -> tuple[str, ...]:
    return tuple(name for name in names if getattr(evidence, name) is None)


def _age(evidence: ScreeningEvidence) -> int | None:
    if evidence.date_of_birth is None or evidence.screening_date is None:
        return None
    return age_in_years(evidence.date_of_birth, evidence.screening_date)


_AGE_UNKNOWN = gettext_noop(
    "%(criterion)s: age is not known until the date of birth and screening date are recorded."
)


def _age_unknown(evidence: ScreeningEvidence) -> _Finding:
    return _unknown(_AGE_UNKNOWN, *_missing(evidence, "date_of_birth", "screening_date"))


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NoParams(_Params):
    """The rule takes no parameters."""
