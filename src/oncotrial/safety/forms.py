"""The adverse-event form."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from oncotrial.clinical import ctcae
from oncotrial.safety.models import ACTIONS, ATTRIBUTIONS, SERIOUSNESS, AdverseEvent
from oncotrial.web.forms import DateInput


class AdverseEventForm(forms.ModelForm):
    seriousness = forms.MultipleChoiceField(
        label=_("Seriousness criteria (independent of grade)"),
        choices=SERIOUSNESS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    aware_at = forms.DateTimeField(
        label=_("Site became aware (site time)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when a value already entered (such as the grade) is changed."),
    )

    class Meta:
        model = AdverseEvent
        fields = [
            "term",
            "grade",
            "onset_on",
            "resolved_on",
            "seriousness",
            "aware_at",
            "expected",
            "immune_related",
            "outcome",
        ]
        widgets = {
            "onset_on": DateInput(),
            "resolved_on": DateInput(),
            "term": forms.TextInput(attrs={"list": "ctcae-terms", "autocomplete": "off"}),
            "expected": forms.NullBooleanSelect(),
        }

    def __init__(
        self,
        *args: Any,
        participant: Any,
        consent_date: dt.date | None,
        death_recorded: bool,
        interventions: list[str],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.participant = participant
        self.zone = ZoneInfo(participant.site.time_zone)
        self.consent_date = consent_date
        self.death_recorded = death_recorded
        self.interventions = interventions
        term = self.data.get("term") or (self.instance.term if self.instance.pk else "")
        self.fields["grade"] = forms.TypedChoiceField(
            label=_("Grade"), coerce=int, choices=grade_choices(term), empty_value=None
        )
        if self.instance.pk and self.instance.aware_at:
            self.initial["aware_at"] = self.instance.aware_at.astimezone(self.zone)
        for name in interventions:
            self.fields[f"attr_{name}"] = forms.ChoiceField(
                label=_("Attribution to %(intervention)s") % {"intervention": name},
                choices=[("", "—"), *ATTRIBUTIONS],
                required=True,
            )
            self.fields[f"action_{name}"] = forms.ChoiceField(
                label=_("Action taken with %(intervention)s") % {"intervention": name},
                choices=ACTIONS,
                initial="none",
            )

    def clean_term(self) -> str:
        name = self.cleaned_data["term"].strip()
        try:
            term = ctcae.get_term(name)
        except ctcae.UnknownTermError:
            hits = ctcae.search(name, limit=1)
            if hits:
                message = gettext(
                    "Not a CTCAE v5.0 term: choose one from the list (did you mean “%(term)s”?)."
                ) % {"term": hits[0].term.name}
            else:
                message = gettext("Not a CTCAE v5.0 term: choose one from the list.")
            raise forms.ValidationError(message) from None
        self.instance.meddra_code, self.instance.soc = term.meddra_code, term.soc
        return term.name

    def clean_aware_at(self) -> dt.datetime | None:
        value = self.cleaned_data.get("aware_at")
        if value is None:
            return None
        value = value.replace(tzinfo=None).replace(tzinfo=self.zone)
        if value > timezone.now():
            raise forms.ValidationError(gettext("This date cannot be in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        today = timezone.now().astimezone(self.zone).date()
        onset, resolved = data.get("onset_on"), data.get("resolved_on")
        if onset and onset > today:
            self.add_error("onset_on", gettext("This date cannot be in the future."))
        if onset and self.consent_date and onset < self.consent_date:
            self.add_error(
                "onset_on",
                gettext(
                    "An event before consent (%(date)s) is medical history, not an adverse event."
                )
                % {"date": self.consent_date.isoformat()},
            )
        if onset and resolved and resolved < onset:
            self.add_error("resolved_on", gettext("The resolution cannot precede the onset."))
        if data.get("grade") == 5 and not self.death_recorded:
            self.add_error(
                "grade", gettext("Grade 5 (death) needs the death recorded in follow-up first.")
            )
        if data.get("seriousness") and not data.get("aware_at"):
            self.add_error(
                "aware_at", gettext("A serious event needs the time the site became aware of it.")
            )
        if "death" in (data.get("seriousness") or []) and data.get("grade") != 5:
            self.add_error("seriousness", gettext("“Results in death” goes with grade 5."))
        return data

    def attributions(self) -> list[tuple[str, str, str]]:
        return [
            (name, self.cleaned_data[f"attr_{name}"], self.cleaned_data[f"action_{name}"])
            for name in self.interventions
        ]


def grade_choices(term: str) -> list[tuple[Any, str]]:
    """The grades CTCAE v5.0 defines for `term`, each with its description."""
    try:
        found = ctcae.get_term(term)
    except (ctcae.UnknownTermError, ValueError):
        return [("", "—")]
    return [("", "—")] + [
        (g, f"{g}: {ctcae.grade_description(found, g)}") for g in ctcae.allowed_grades(found)
    ]
