"""Translatable messages for the pure core, which must not import Django.

A pure module marks its English templates with `gettext_noop` (Django's
`makemessages` extracts any call of that name) and returns `Message` values;
the Django shell translates them at display time with `oncotrial.web.i18n`.
`str(message)` gives the English text, for logs and the command line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


def gettext_noop(template: str) -> str:
    """Mark `template` for translation without translating it here."""
    return template


@dataclass(frozen=True)
class Message:
    """An English template with named `%(name)s` placeholders and their values."""

    template: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, translate: Any = None) -> str:
        """The text, translated by `translate(template)` when one is given."""
        template = translate(self.template) if translate else self.template
        return template % dict(self.params) if self.params else template

    def __str__(self) -> str:
        return self.render()
