"""Eligibility results: the status of one criterion and of the whole assessment.

This module owns the three-valued criterion status (`CriterionStatus`), the overall
verdict (`EligibilityStatus`), what a rule returns (`RuleOutcome`: status, reasons,
missing evidence fields) and the judged results, one criterion (`CriterionResult`)
and all of them (`EligibilityResult`). Plain values: no rule logic lives here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from oncotrial.text import Message


class CriterionStatus(StrEnum):
    """Whether a criterion's condition holds, for an inclusion or an exclusion alike."""

    MET = "met"
    NOT_MET = "not_met"
    INSUFFICIENT = "insufficient"


class EligibilityStatus(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    INCOMPLETE = "incomplete"


CriterionKind = Literal["inclusion", "exclusion"]
RuleOutcome = tuple[CriterionStatus, tuple[Message, ...], tuple[str, ...]]


@dataclass(frozen=True)
class CriterionResult:
    """One criterion judged: its status, why (reasons) and what is still needed (missing)."""

    criterion_id: str
    kind: str  # "inclusion" or "exclusion"
    status: CriterionStatus
    reasons: tuple[Message, ...]
    missing: tuple[str, ...]  # evidence field names still needed

    @property
    def satisfied(self) -> bool | None:
        """True when the criterion allows entry, False when it bars it, None when undecided."""
        if self.status is CriterionStatus.INSUFFICIENT:
            return None
        return (self.status is CriterionStatus.MET) == (self.kind == "inclusion")


@dataclass(frozen=True)
class EligibilityResult:
    """All criteria judged: eligible only if every inclusion is met and no exclusion is."""

    status: EligibilityStatus
    results: tuple[CriterionResult, ...]

    @property
    def eligible(self) -> bool:
        return self.status is EligibilityStatus.ELIGIBLE

    @property
    def barring(self) -> tuple[CriterionResult, ...]:
        """Inclusions not met and exclusions met."""
        return tuple(result for result in self.results if result.satisfied is False)

    @property
    def undecided(self) -> tuple[CriterionResult, ...]:
        return tuple(result for result in self.results if result.satisfied is None)

    @property
    def missing(self) -> tuple[str, ...]:
        """Evidence fields still needed by any undecided criterion, in criterion order."""
        return tuple(dict.fromkeys(name for result in self.undecided for name in result.missing))
