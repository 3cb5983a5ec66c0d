"""Findings the response engine reports besides its categories.

This module owns two kinds of finding: a `Flag` marks something a reviewer
should look at (an irradiated target, a back-dated progression, an iRECIST
scenario the guideline calls ambiguous) without changing the computation; a
`Violation` refuses a baseline lesion selection and names the rule it breaks.
Texts are translatable `Message` values so the pure core never imports Django.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from oncotrial.text import Message


@dataclass(frozen=True)
class Flag:
    """A note for review: `code` is stable for programs, `message` is for people."""

    code: str
    message: Message
    date: dt.date | None = None


@dataclass(frozen=True)
class Violation:
    """A broken baseline-selection rule.

    `rule` names the rule and its section (e.g. "RECIST 1.1 §2.2: at most 5
    target lesions"); `lesion_ids` are the lesions concerned, in input order;
    `at_baseline_reading` tells whether the fault lies in the baseline
    measurement (True) or in the lesion's declaration (False).
    """

    code: str
    rule: str
    message: Message
    lesion_ids: tuple[str, ...] = ()
    reading_index: int | None = None
