"""ECOG performance status (Oken et al., Am J Clin Oncol 1982).

This module owns the six ECOG grades and their translatable descriptions.
Source: clinical-rules.md §5.2.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum
from types import MappingProxyType

from oncotrial.text import Message, gettext_noop


class Ecog(IntEnum):
    """ECOG performance status grade 0-5."""

    FULLY_ACTIVE = 0
    RESTRICTED_STRENUOUS_ACTIVITY = 1
    AMBULATORY_UNABLE_TO_WORK = 2
    LIMITED_SELF_CARE = 3
    COMPLETELY_DISABLED = 4
    DEAD = 5


DESCRIPTIONS: Mapping[Ecog, Message] = MappingProxyType(
    {
        Ecog.FULLY_ACTIVE: Message(
            gettext_noop(
                "Fully active, able to carry on all pre-disease activity without restriction."
            )
        ),
        Ecog.RESTRICTED_STRENUOUS_ACTIVITY: Message(
            gettext_noop(
                "Restricted in physically strenuous activity but ambulatory and able to carry out "
                "work of a light or sedentary nature."
            )
        ),
        Ecog.AMBULATORY_UNABLE_TO_WORK: Message(
            gettext_noop(
                "Ambulatory and capable of all self-care but unable to carry out any work "
                "activities; up and about more than half of waking hours."
            )
        ),
        Ecog.LIMITED_SELF_CARE: Message(
            gettext_noop(
                "Capable of only limited self-care; confined to bed or chair more than half "
                "of waking hours."
            )
        ),
        Ecog.COMPLETELY_DISABLED: Message(
            gettext_noop(
                "Completely disabled; cannot carry on any self-care; "
                "totally confined to bed or chair."
            )
        ),
        Ecog.DEAD: Message(gettext_noop("Dead.")),
    }
)


def ecog(value: int) -> Ecog:
    """The ECOG grade for a recorded whole number 0-5; anything else is a ValueError."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 5:
        raise ValueError(f"ecog must be a whole number from 0 to 5, got {value!r}")
    return Ecog(value)


def describe(value: int) -> Message:
    """The translatable description of an ECOG grade."""
    return DESCRIPTIONS[ecog(value)]
