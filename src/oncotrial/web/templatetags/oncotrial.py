"""Template helpers: bilingual protocol texts and translated core messages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language, gettext

from oncotrial.text import Message

register = template.Library()


@register.filter
def localized(text: Any) -> str:
    """A protocol `Text` in the language of the page."""
    return text.in_language(get_language() or "en") if text is not None else ""


@register.filter
def message(value: Message) -> str:
    """A message of the pure core, translated."""
    return value.render(gettext)


@register.filter
def field_label(name: str) -> str:
    return name.replace("_id", "").replace("_", " ")


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    return mapping.get(key) if mapping is not None else None


@register.filter
def duration(value: Any) -> str:
    """A time span as days, hours and minutes (for deadlines)."""
    from django.utils.translation import gettext as _

    seconds = int(value.total_seconds())
    days, rest = divmod(abs(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    text = _("%(d)s d %(h)s h %(m)s min") % {"d": days, "h": hours, "m": rest // 60}
    return text if seconds >= 0 else "-" + text
