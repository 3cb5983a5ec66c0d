"""The screening form: evidence for every criterion, validated on entry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from oncotrial.clinical.laboratory import LabValue
from oncotrial.clinical.plausibility import body_problem, lab_problem
from oncotrial.participants.forms import site_today
from oncotrial.screening.evidence import LABS
from oncotrial.screening.models import Screening
from oncotrial.web.forms import DateInput

METASTASIS_SITES = [
    ("supraclavicular_lymph_node", _("Supraclavicular lymph node")),
    ("non_regional_lymph_node", _("Other non-regional lymph node")),
    ("liver", _("Liver")),
    ("lung", _("Lung")),
    ("bone", _("Bone")),
    ("brain", _("Brain")),
    ("adrenal", _("Adrenal gland")),
    ("pleura", _("Pleura")),
    ("peritoneum", _("Peritoneum")),
    ("other", _("Other organ")),
]
NONE = "none"
OTHER_MALIGNANCIES = [
    (NONE, _("None")),
    ("hypopharyngeal_carcinoma_in_situ", _("Hypopharyngeal carcinoma in situ")),
    ("non_melanoma_skin_cancer", _("Non-melanoma skin cancer")),
    ("cervical_carcinoma_in_situ", _("Cervical carcinoma in situ")),
    ("other", _("Any other cancer")),
]
PRIOR_TREATMENTS = [
    (NONE, _("None")),
    ("induction_chemoimmunotherapy", _("The induction chemo-immunotherapy")),
    ("ostomy", _("Ostomy (e.g. feeding gastrostomy)")),
    (
        "radical_treatment_before_recurrence",
        _("Radical surgery or radiotherapy before the recurrence"),
    ),
    ("surgery", _("Other surgery")),
    ("chemotherapy", _("Other chemotherapy")),
    ("radiotherapy", _("Other radiotherapy")),
    ("other_antitumour", _("Other anti-tumour treatment")),
]
ECOG_CHOICES = [
    ("", "—"),
    (0, _("0: fully active")),
    (1, _("1: restricted in strenuous activity, ambulatory")),
    (2, _("2: ambulatory, capable of self-care, unable to work")),
    (3, _("3: limited self-care, in bed or chair over half of waking hours")),
    (4, _("4: completely disabled")),
    (5, _("5: dead")),
]

# Fields whose dates are study-specific procedures: none may precede consent.
PROCEDURE_DATES = ["assessment_date", "lab_date"]


# The form's sections, in the order of the criteria they serve.
FIELDSETS = [
    (
        _("Assessment"),
        ["assessment_date", "planned_enrolment_date", "weight_kg", "height_cm"],
    ),
    (
        _("I2 · Diagnosis and stage"),
        [
            "histology",
            "histology_method",
            "histology_date",
            "disease_setting",
            "initial_t",
            "initial_regional_nodes",
            "distant_metastasis_recorded",
            "metastatic_sites",
        ],
    ),
    (
        _("I5 · Previous radiotherapy"),
        [
            "prior_radical_radiotherapy",
            "prior_thoracic_radiotherapy",
            "recurrence_in_prior_rt_field",
        ],
    ),
    (
        _("I3 · Performance and geriatric status"),
        [
            "ecog",
            "g8_food_intake",
            "g8_weight_loss",
            "g8_mobility",
            "g8_neuropsychological",
            "g8_more_than_3_drugs",
            "g8_self_rated_health",
            "cga_favourable",
        ],
    ),
    (
        _("I4 · Laboratory"),
        [
            "lab_date",
            "anc",
            "anc_unit",
            "haemoglobin",
            "haemoglobin_unit",
            "platelets",
            "platelets_unit",
            "total_bilirubin",
            "total_bilirubin_uln",
            "total_bilirubin_unit",
            "alt",
            "alt_uln",
            "alt_unit",
            "ast",
            "ast_uln",
            "ast_unit",
            "creatinine",
            "creatinine_uln",
            "creatinine_unit",
        ],
    ),
    (
        _("I6 and I8 · Expected survival and induction"),
        [
            "expected_survival_weeks",
            "induction_regimen",
            "induction_platinum",
            "induction_pd1",
            "induction_cycles",
            "induction_response",
        ],
    ),
    (
        _("E1–E6 · Exclusions"),
        [
            "other_malignancies",
            "prior_treatments",
            "active_infection",
            "recent_events_answered",
            "myocardial_infarction_date",
            "cerebrovascular_accident_date",
            "gastrointestinal_surgery_date",
            "neurological_surgery_date",
            "cardiopulmonary_surgery_date",
            "chemotherapy_drug_allergy",
            "autoimmune_disease",
            "other_trial",
            "other_trial_end_date",
            "radiotherapy_unsafe",
        ],
    ),
    (_("Change"), ["reason"]),
]
EVIDENCE = [name for _, names in FIELDSETS for name in names if name != "reason"]


class ListOrNoneField(forms.MultipleChoiceField):
    """Checkboxes where "None" is an answer ([]) and nothing ticked is no answer (None)."""

    widget = forms.CheckboxSelectMultiple

    def clean(self, value: Any) -> list[str] | None:
        chosen = super().clean(value)
        if not chosen:
            return None
        if NONE in chosen:
            if len(chosen) > 1:
                raise forms.ValidationError(
                    _("“None” cannot be ticked together with another answer.")
                )
            return []
        return chosen

    def prepare_value(self, value: Any) -> Any:
        return [NONE] if value == [] else value


class ScreeningForm(forms.ModelForm):
    metastatic_sites = forms.MultipleChoiceField(
        label=_("Distant metastases"),
        choices=METASTASIS_SITES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "A supraclavicular (non-regional) node is a distant metastasis (M1) in AJCC 8."
        ),
    )
    other_malignancies = ListOrNoneField(
        label=_("Other cancers in the history (E1)"), choices=OTHER_MALIGNANCIES, required=False
    )
    prior_treatments = ListOrNoneField(
        label=_("Treatments before enrolment (E2)"), choices=PRIOR_TREATMENTS, required=False
    )
    ecog = forms.TypedChoiceField(
        label=_("ECOG performance status"),
        choices=ECOG_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when a value already entered is changed."),
    )

    class Meta:
        model = Screening
        fields = EVIDENCE
        widgets = {
            name: DateInput()
            for name in [
                "assessment_date",
                "planned_enrolment_date",
                "histology_date",
                "lab_date",
                "myocardial_infarction_date",
                "cerebrovascular_accident_date",
                "gastrointestinal_surgery_date",
                "neurological_surgery_date",
                "cardiopulmonary_surgery_date",
                "other_trial_end_date",
            ]
        }

    def __init__(
        self, *args: Any, site_time_zone: str, consent_date: dt.date | None, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.today = site_today(site_time_zone)
        self.consent_date = consent_date
        for field in self.fields.values():
            if isinstance(field, forms.NullBooleanField):
                field.widget = forms.NullBooleanSelect()
            if isinstance(field, forms.DecimalField | forms.IntegerField):
                field.widget.attrs.setdefault("inputmode", "decimal")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name, value in list(data.items()):
            if (
                isinstance(value, dt.date)
                and name != "planned_enrolment_date"
                and value > self.today
            ):
                self.add_error(name, gettext("This date cannot be in the future."))
        if self.consent_date:
            for name in PROCEDURE_DATES:
                value = data.get(name)
                if value and value < self.consent_date:
                    self.add_error(
                        name,
                        gettext("Study procedures cannot precede consent (signed on %(date)s).")
                        % {"date": self.consent_date.isoformat()},
                    )
        for name in ["weight_kg", "height_cm"]:
            if data.get(name) is not None and (problem := body_problem(name, data[name])):
                self.add_error(name, problem.render(gettext))
        for lab in LABS:
            unit = data.get(f"{lab}_unit")
            for name in [lab, f"{lab}_uln"]:
                value = data.get(name)
                if value is None or name not in self.fields:
                    continue
                if not unit:
                    self.add_error(f"{lab}_unit", gettext("Choose the unit of this result."))
                elif problem := lab_problem(LabValue(Decimal(value), unit), lab):
                    self.add_error(name, problem.render(gettext))
        if data.get("ecog") is not None and not 0 <= data["ecog"] <= 5:
            self.add_error("ecog", gettext("ECOG is a whole number from 0 to 5."))
        if data.get("induction_cycles") is not None and data["induction_cycles"] > 12:
            self.add_error(
                "induction_cycles", gettext("More than 12 induction cycles is not plausible.")
            )
        if data.get("other_trial") == "ended" and not data.get("other_trial_end_date"):
            self.add_error("other_trial_end_date", gettext("Give the date the other trial ended."))
        if data.get("recent_events_answered") is True and not any(
            data.get(f)
            for f in [
                "myocardial_infarction_date",
                "cerebrovascular_accident_date",
                "gastrointestinal_surgery_date",
                "neurological_surgery_date",
                "cardiopulmonary_surgery_date",
            ]
        ):
            self.add_error("recent_events_answered", gettext("Give the date of each event."))
        if data.get("distant_metastasis_recorded") is True and not data.get("metastatic_sites"):
            self.add_error("metastatic_sites", gettext("Tick each site of distant metastasis."))
        return data

    def evidence_values(self) -> dict[str, Any]:
        """The evidence values that passed validation (for the live status)."""
        fields = [f for f in self.fields if f != "reason"]
        return {name: self.cleaned_data.get(name) for name in fields if name not in self.errors}


def form_data(values: dict[str, Any]) -> QueryDict:
    """Screening values as the form's POST data (a list is a multiple-choice answer)."""
    data = QueryDict(mutable=True)
    for key, value in values.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return data
