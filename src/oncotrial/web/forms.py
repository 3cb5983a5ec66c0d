"""Form conventions shared by every page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ReasonField(forms.CharField):
    """The reason every change after first entry must give (DESIGN.md "Storage")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Reason for the change"))
        kwargs.setdefault(
            "help_text", _("Required: the audit trail records why the record was changed.")
        )
        kwargs.setdefault(
            "error_messages",
            {"required": _("Give a reason: a change to a record already entered is audited.")},
        )
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 2}))
        kwargs.setdefault("max_length", 1000)
        super().__init__(**kwargs)
