"""Forms of the clinical course."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from oncotrial.clinical.plausibility import body_problem
from oncotrial.treatment.models import (
    AgentDose,
    FollowUp,
    MdtDecision,
    Progression,
    ProtocolDeviation,
    RadiotherapyCourse,
    RadiotherapyTarget,
    SystemicCycle,
)
from oncotrial.web.forms import DateInput


class CourseDates(forms.ModelForm):
    """Dates of the course cannot be in the future nor precede allocation."""

    date_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, today: dt.date, day0: dt.date | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.today, self.day0 = today, day0
        for name in self.date_fields:
            if name in self.fields:
                self.fields[name].widget = DateInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in self.date_fields:
            value = data.get(name)
            if value is None:
                continue
            if value > self.today:
                self.add_error(name, gettext("This date cannot be in the future."))
            elif self.day0 and value < self.day0:
                self.add_error(
                    name,
                    gettext("This date cannot precede allocation (%(day)s).") % {"day": self.day0},
                )
        return data


class CycleForm(CourseDates):
    date_fields = ("given_on",)

    class Meta:
        model = SystemicCycle
        fields = [
            "number",
            "given_on",
            "regimen",
            "height_cm",
            "weight_kg",
            "bsa_formula",
            "creatinine_clearance",
            "delay_days",
            "delay_reason",
            "discontinued",
            "discontinuation_reason",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ["height_cm", "weight_kg"]:
            if data.get(name) is not None and (problem := body_problem(name, data[name])):
                self.add_error(name, problem.render(gettext))
        if data.get("delay_days") and not data.get("delay_reason"):
            self.add_error("delay_reason", gettext("Give the reason for the delay."))
        if data.get("discontinued") and not data.get("discontinuation_reason"):
            self.add_error(
                "discontinuation_reason", gettext("Give the reason for discontinuation.")
            )
        return data


class DoseForm(forms.ModelForm):
    class Meta:
        model = AgentDose
        fields = [
            "agent",
            "prescribed_mg",
            "given_mg",
            "reduced",
            "reduction_reason",
            "confirmed_outside_range",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ["prescribed_mg", "given_mg"]:
            if data.get(name) is not None and data[name] <= 0:
                self.add_error(name, gettext("A dose must be above 0 mg."))
        if data.get("reduced") and not data.get("reduction_reason"):
            self.add_error("reduction_reason", gettext("Give the reason for the reduction."))
        return data


DoseFormSet = forms.formset_factory(DoseForm, extra=3, min_num=1, validate_min=True, max_num=4)


class ProgressionForm(CourseDates):
    date_fields = ("progressed_on",)

    class Meta:
        model = Progression
        fields = ["progressed_on", "basis", "locoregional", "note"]


class MdtForm(CourseDates):
    date_fields = ("decided_on",)
    disciplines = forms.MultipleChoiceField(
        label=_("Disciplines present"),
        choices=MdtDecision.DISCIPLINES,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = MdtDecision
        fields = [
            "decided_on",
            "disciplines",
            "recommends_salvage_radiotherapy",
            "decision",
            "rationale",
        ]
        widgets = {"rationale": forms.Textarea(attrs={"rows": 2})}

    def clean_disciplines(self) -> list[str]:
        chosen = self.cleaned_data["disciplines"]
        if "radiation_oncology" not in chosen:
            raise forms.ValidationError(_("A radiotherapy decision needs a radiation oncologist."))
        return chosen


class CourseForm(CourseDates):
    date_fields = ("started_on", "ended_on")
    deviation_reason = forms.CharField(
        label=_("If this course breaks the protocol: why (recorded as a protocol deviation)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = RadiotherapyCourse
        fields = ["intent", "started_on", "ended_on", "interruption_days", "completed"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("started_on"), data.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", gettext("The end cannot precede the start."))
        return data


class TargetForm(forms.ModelForm):
    class Meta:
        model = RadiotherapyTarget
        fields = ["target", "organ", "total_dose_gy", "fractions", "technique"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        dose, fractions = data.get("total_dose_gy"), data.get("fractions")
        if dose is not None and not 0 < dose <= 80:
            self.add_error("total_dose_gy", gettext("A total dose is above 0 and at most 80 Gy."))
        if fractions is not None and not 1 <= fractions <= 40:
            self.add_error("fractions", gettext("Fractions are 1 to 40."))
        if data.get("target") == "metastasis" and not data.get("organ"):
            self.add_error("organ", gettext("Name the organ of the metastasis."))
        return data


TargetFormSet = forms.formset_factory(TargetForm, extra=3, min_num=1, validate_min=True, max_num=6)


class FollowUpForm(CourseDates):
    date_fields = ("contact_on", "last_known_alive", "death_on")

    class Meta:
        model = FollowUp
        fields = [
            "contact_on",
            "status",
            "last_known_alive",
            "death_on",
            "death_cause",
            "subsequent_therapy",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        status = data.get("status")
        if status == "dead":
            if not data.get("death_on"):
                self.add_error("death_on", gettext("Give the date of death."))
            if not data.get("death_cause"):
                self.add_error("death_cause", gettext("Give the cause of death."))
        elif data.get("death_on"):
            self.add_error("death_on", gettext("A date of death needs the status “Dead”."))
        if status == "lost" and not data.get("last_known_alive"):
            self.add_error(
                "last_known_alive", gettext("Give the last date the participant was known alive.")
            )
        contact, alive = data.get("contact_on"), data.get("last_known_alive")
        if contact and alive and alive > contact:
            self.add_error("last_known_alive", gettext("Cannot be after the contact date."))
        return data


class DeviationForm(CourseDates):
    date_fields = ("occurred_on",)

    class Meta:
        model = ProtocolDeviation
        fields = ["category", "occurred_on", "description", "reported"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
