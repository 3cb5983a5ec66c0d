"""Participant forms: registration and audited correction."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oncotrial.participants.models import Participant
from oncotrial.web.forms import DateInput, ReasonField

OLDEST_AGE_YEARS = 120


def site_today(site_time_zone: str) -> dt.date:
    """Today at the site: a date entered in Beijing is not 'future' in UTC terms."""
    return timezone.now().astimezone(ZoneInfo(site_time_zone)).date()


class ParticipantForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = ["date_of_birth", "sex", "screening_date"]
        widgets = {"date_of_birth": DateInput(), "screening_date": DateInput()}

    def __init__(self, *args, site_time_zone: str = "UTC", **kwargs):
        super().__init__(*args, **kwargs)
        self.today = site_today(site_time_zone)

    def clean_date_of_birth(self) -> dt.date:
        value = self.cleaned_data["date_of_birth"]
        if value > self.today:
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        if value.year < self.today.year - OLDEST_AGE_YEARS:
            raise forms.ValidationError(
                _("A date of birth more than %(years)s years ago is not plausible."),
                params={"years": OLDEST_AGE_YEARS},
            )
        return value

    def clean_screening_date(self) -> dt.date:
        value = self.cleaned_data["screening_date"]
        if value > self.today:
            raise forms.ValidationError(_("The screening date cannot be in the future."))
        return value

    def clean(self) -> dict:
        data = super().clean()
        born, screened = data.get("date_of_birth"), data.get("screening_date")
        if born and screened and born >= screened:
            self.add_error(
                "date_of_birth", _("The date of birth must be before the screening date.")
            )
        return data


class ParticipantCorrectionForm(ParticipantForm):
    reason = ReasonField()


class VoidForm(forms.Form):
    reason = ReasonField(label=_("Reason for voiding"))
