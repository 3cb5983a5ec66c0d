"""Recording consent and its withdrawal."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oncotrial.accounts.models import Membership, User
from oncotrial.accounts.roles import Role
from oncotrial.consent.models import Consent, Withdrawal
from oncotrial.participants.forms import site_today
from oncotrial.participants.models import Participant
from oncotrial.trial.current import current_protocol
from oncotrial.web.forms import DateInput


class ConsentForm(forms.ModelForm):
    signed_at = forms.DateTimeField(
        label=_("Signed at (site time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    class Meta:
        model = Consent
        fields = [
            "document_version",
            "language",
            "signed_at",
            "obtained_by",
            "tissue",
            "blood",
            "urine",
            "wes",
            "proteomics",
            "future_research",
        ]

    def __init__(
        self, *args, participant: Participant, earliest_procedure: dt.date | None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.participant = participant
        self.zone = ZoneInfo(participant.site.time_zone)
        self.earliest_procedure = earliest_procedure
        documents = current_protocol().consent.documents
        self.fields["document_version"] = forms.ChoiceField(
            label=_("Consent document version"),
            choices=[(d.version, f"{d.version} ({d.date:%Y-%m-%d})") for d in documents],
        )
        staff = Membership.objects.filter(
            site=participant.site,
            role__in=[Role.INVESTIGATOR, Role.COORDINATOR],
            active=True,
            voided_at__isnull=True,
        ).values("user")
        self.fields["obtained_by"].queryset = User.objects.filter(pk__in=staff, is_active=True)

    def clean_signed_at(self) -> dt.datetime:
        # The time typed is the site's wall-clock time.
        value = self.cleaned_data["signed_at"].replace(tzinfo=None).replace(tzinfo=self.zone)
        if value > timezone.now():
            raise forms.ValidationError(_("Consent cannot be signed in the future."))
        if value.date() < self.participant.date_of_birth:
            raise forms.ValidationError(_("Consent cannot precede the date of birth."))
        if self.earliest_procedure and value.date() > self.earliest_procedure:
            raise forms.ValidationError(
                _(
                    "Study procedures are recorded on %(date)s, before this consent: no "
                    "study-specific procedure may precede consent."
                ),
                params={"date": self.earliest_procedure.isoformat()},
            )
        return value


class WithdrawalForm(forms.ModelForm):
    class Meta:
        model = Withdrawal
        fields = ["withdrawn_on", "scope", "reason"]
        widgets = {"withdrawn_on": DateInput(), "reason": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, consent: Consent, **kwargs):
        super().__init__(*args, **kwargs)
        self.consent = consent

    def clean_withdrawn_on(self) -> dt.date:
        value = self.cleaned_data["withdrawn_on"]
        site = self.consent.participant.site
        if value > site_today(site.time_zone):
            raise forms.ValidationError(_("A withdrawal cannot be dated in the future."))
        if value < self.consent.signed_at.astimezone(ZoneInfo(site.time_zone)).date():
            raise forms.ValidationError(_("A withdrawal cannot precede the consent it withdraws."))
        return value
