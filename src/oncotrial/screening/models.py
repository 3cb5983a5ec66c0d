"""A screening episode with the evidence for each criterion, and signatures.

Evidence fields are typed columns (not one JSON blob) so that each is
validated on entry and each change appears field by field in the audit
trail. An empty value means "not recorded yet", which the eligibility engine
reads as not enough evidence — never as "no".
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from oncotrial.audit.models import AuditedModel
from oncotrial.clinical.laboratory import Analyte, known_units
from oncotrial.participants.models import Participant


def _yes_no(label: str) -> models.BooleanField:
    return models.BooleanField(label, null=True, blank=True)


def _lab_value(label: str) -> models.DecimalField:
    return models.DecimalField(label, max_digits=10, decimal_places=3, null=True, blank=True)


def _lab_unit(analyte: Analyte) -> models.CharField:
    units = known_units(analyte)
    return models.CharField(
        _("unit"), max_length=12, choices=[(u, u) for u in units], default=units[0], blank=True
    )


class Screening(AuditedModel):
    """One screening episode of a participant (a re-screening is a new one)."""

    class Outcome(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SCREEN_FAILURE = "screen_failure", _("Screen failure")
        DECLINED = "declined", _("Declined to take part")
        OTHER = "other", _("Stopped for another reason")

    class HistologyMethod(models.TextChoices):
        HISTOLOGY = "histology", _("Histology")
        CYTOLOGY = "cytology", _("Cytology")

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="screenings"
    )
    number = models.PositiveSmallIntegerField(editable=False)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.IN_PROGRESS
    )
    outcome_reason = models.TextField(_("reason"), blank=True)
    failed_criteria = models.JSONField(default=list, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    assessment_date = models.DateField(
        _("date of the study assessments"),
        null=True,
        blank=True,
        help_text=_("ECOG, G8 and the screening laboratory tests done for the study."),
    )
    planned_enrolment_date = models.DateField(
        _("planned enrolment date"),
        null=True,
        blank=True,
        help_text=_("The look-back windows of E3 (6 months) and E5 (4 weeks) end on this date."),
    )
    weight_kg = models.DecimalField(
        _("weight (kg)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    height_cm = models.DecimalField(
        _("height (cm)"), max_digits=5, decimal_places=1, null=True, blank=True
    )

    # I2: diagnosis and stage
    histology = models.CharField(
        _("histology"),
        max_length=32,
        blank=True,
        choices=[
            ("squamous_cell_carcinoma", _("Squamous cell carcinoma")),
            ("adenocarcinoma", _("Adenocarcinoma")),
            ("other", _("Other")),
            ("not_confirmed", _("Not confirmed")),
        ],
    )
    histology_method = models.CharField(
        _("confirmed by"), max_length=12, blank=True, choices=HistologyMethod.choices
    )
    histology_date = models.DateField(_("date of confirmation"), null=True, blank=True)
    disease_setting = models.CharField(
        _("disease setting"),
        max_length=40,
        blank=True,
        choices=[
            ("initial_diagnosis", _("Metastatic at first diagnosis")),
            ("recurrence_after_radical_treatment", _("Recurrence after radical treatment")),
            ("other", _("Other")),
        ],
    )
    initial_t = models.CharField(
        _("clinical T at diagnosis"),
        max_length=4,
        blank=True,
        choices=[
            (t, t) for t in ["TX", "T0", "Tis", "T1", "T1a", "T1b", "T2", "T3", "T4", "T4a", "T4b"]
        ],
    )
    initial_regional_nodes = models.PositiveSmallIntegerField(
        _("involved regional lymph nodes"), null=True, blank=True
    )
    metastatic_sites = models.JSONField(
        _("distant metastases"),
        default=list,
        blank=True,
        help_text=_(
            "A supraclavicular (non-regional) node is a distant metastasis (M1) in AJCC 8."
        ),
    )
    distant_metastasis_recorded = _yes_no(_("distant metastases present"))
    prior_radical_radiotherapy = _yes_no(_("previous definitive or preoperative radiotherapy"))
    prior_thoracic_radiotherapy = _yes_no(_("any previous radiotherapy to the chest"))
    recurrence_in_prior_rt_field = _yes_no(_("recurrence within a previous radiation field"))

    # I3
    ecog = models.PositiveSmallIntegerField(_("ECOG performance status"), null=True, blank=True)
    g8_food_intake = models.CharField(
        _("G8 A: food intake declined over the past 3 months"),
        max_length=40,
        blank=True,
        choices=[
            ("severe_decrease", _("Severe decrease")),
            ("moderate_decrease", _("Moderate decrease")),
            ("no_decrease", _("No decrease")),
        ],
    )
    g8_weight_loss = models.CharField(
        _("G8 B: weight loss in the last 3 months"),
        max_length=40,
        blank=True,
        choices=[
            ("more_than_3_kg", _("More than 3 kg")),
            ("does_not_know", _("Does not know")),
            ("between_1_and_3_kg", _("1 to 3 kg")),
            ("no_weight_loss", _("None")),
        ],
    )
    g8_mobility = models.CharField(
        _("G8 C: mobility"),
        max_length=40,
        blank=True,
        choices=[
            ("bed_or_chair_bound", _("Bed or chair bound")),
            ("gets_up_but_does_not_go_out", _("Gets out of bed or chair but does not go out")),
            ("goes_out", _("Goes out")),
        ],
    )
    g8_neuropsychological = models.CharField(
        _("G8 E: neuropsychological problems"),
        max_length=40,
        blank=True,
        choices=[
            ("severe_dementia_or_depression", _("Severe dementia or depression")),
            ("mild_dementia", _("Mild dementia")),
            ("no_problems", _("No psychological problems")),
        ],
    )
    g8_more_than_3_drugs = _yes_no(_("G8 H: takes more than 3 prescription drugs a day"))
    g8_self_rated_health = models.CharField(
        _("G8 P: health compared with others of the same age"),
        max_length=40,
        blank=True,
        choices=[
            ("not_as_good", _("Not as good")),
            ("does_not_know", _("Does not know")),
            ("as_good", _("As good")),
            ("better", _("Better")),
        ],
    )
    cga_favourable = _yes_no(_("comprehensive geriatric assessment favourable"))

    # I4
    lab_date = models.DateField(_("date of the laboratory tests"), null=True, blank=True)
    anc = _lab_value(_("absolute neutrophil count"))
    anc_unit = _lab_unit(Analyte.ANC)
    haemoglobin = _lab_value(_("haemoglobin"))
    haemoglobin_unit = _lab_unit(Analyte.HAEMOGLOBIN)
    platelets = _lab_value(_("platelets"))
    platelets_unit = _lab_unit(Analyte.PLATELETS)
    total_bilirubin = _lab_value(_("total bilirubin"))
    total_bilirubin_unit = _lab_unit(Analyte.TOTAL_BILIRUBIN)
    total_bilirubin_uln = _lab_value(_("total bilirubin ULN"))
    alt = _lab_value(_("ALT"))
    alt_unit = _lab_unit(Analyte.ALT)
    alt_uln = _lab_value(_("ALT ULN"))
    ast = _lab_value(_("AST"))
    ast_unit = _lab_unit(Analyte.AST)
    ast_uln = _lab_value(_("AST ULN"))
    creatinine = _lab_value(_("serum creatinine"))
    creatinine_unit = _lab_unit(Analyte.CREATININE)
    creatinine_uln = _lab_value(_("serum creatinine ULN"))

    # I6, I8
    expected_survival_weeks = models.PositiveSmallIntegerField(
        _("expected survival (weeks)"), null=True, blank=True
    )
    induction_regimen = models.CharField(
        _("induction regimen"), max_length=2, blank=True, choices=[("TP", "TP"), ("PF", "PF")]
    )
    induction_platinum = models.CharField(
        _("platinum"),
        max_length=12,
        blank=True,
        choices=[("cisplatin", _("Cisplatin")), ("carboplatin", _("Carboplatin"))],
    )
    induction_pd1 = models.CharField(
        _("PD-1 inhibitor"),
        max_length=16,
        blank=True,
        choices=[
            ("camrelizumab", _("Camrelizumab")),
            ("sintilimab", _("Sintilimab")),
            ("tislelizumab", _("Tislelizumab")),
            ("toripalimab", _("Toripalimab")),
            ("pembrolizumab", _("Pembrolizumab")),
            ("nivolumab", _("Nivolumab")),
            ("other", _("Other")),
        ],
    )
    induction_cycles = models.PositiveSmallIntegerField(
        _("induction cycles given"), null=True, blank=True
    )
    induction_response = models.CharField(
        _("response to induction (RECIST 1.1)"),
        max_length=2,
        blank=True,
        choices=[(r, r) for r in ["CR", "PR", "SD", "PD", "NE"]],
    )

    # exclusions
    other_malignancies = models.JSONField(_("other cancers"), null=True, blank=True)
    prior_treatments = models.JSONField(_("treatments before enrolment"), null=True, blank=True)
    active_infection = _yes_no(_("active infection"))
    recent_events_answered = _yes_no(
        _("myocardial infarction, stroke or major surgery in the last 6 months")
    )
    myocardial_infarction_date = models.DateField(
        _("myocardial infarction on"), null=True, blank=True
    )
    cerebrovascular_accident_date = models.DateField(
        _("cerebrovascular accident on"), null=True, blank=True
    )
    gastrointestinal_surgery_date = models.DateField(
        _("gastrointestinal surgery on"), null=True, blank=True
    )
    neurological_surgery_date = models.DateField(
        _("neurological surgery on"), null=True, blank=True
    )
    cardiopulmonary_surgery_date = models.DateField(
        _("cardiopulmonary surgery on"), null=True, blank=True
    )
    chemotherapy_drug_allergy = _yes_no(_("allergy to chemotherapy drugs"))
    autoimmune_disease = _yes_no(_("autoimmune disease"))
    other_trial = models.CharField(
        _("another clinical trial"),
        max_length=8,
        blank=True,
        choices=[
            ("none", _("None")),
            ("ongoing", _("Taking part now")),
            ("ended", _("Ended")),
        ],
    )
    other_trial_end_date = models.DateField(_("other trial ended on"), null=True, blank=True)
    radiotherapy_unsafe = _yes_no(_("radiotherapy unsafe (radiation oncologist)"))

    site_path: ClassVar[str] = "participant__site"

    class Meta:
        ordering = ["participant", "number"]
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "number"], name="one_screening_number_per_participant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} #{self.number}"

    @property
    def is_open(self) -> bool:
        return self.outcome == self.Outcome.IN_PROGRESS and not self.is_voided


class EligibilitySignature(AuditedModel):
    """An investigator's electronic signature confirming eligibility.

    It covers the evidence as it stood (its SHA-256); any later change to the
    evidence voids it.
    """

    MEANING = _("I confirm this participant is eligible")

    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="signatures")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signer_name = models.CharField(max_length=300)
    signed_at = models.DateTimeField()
    meaning = models.CharField(max_length=200)
    evidence_sha256 = models.CharField(max_length=64)

    site_path: ClassVar[str] = "screening__participant__site"

    class Meta:
        ordering = ["signed_at"]

    def __str__(self) -> str:
        return f"{self.screening} signed by {self.signer_name}"
