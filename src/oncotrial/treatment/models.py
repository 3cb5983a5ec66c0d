"""Records of the clinical course. Every one is audited and voided, never deleted."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from oncotrial.audit.models import AuditedModel
from oncotrial.participants.models import Participant

SITE = "participant__site"


class Visit(AuditedModel):
    """A visit of the participant's schedule (or an unscheduled one)."""

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="visits")
    visit_id = models.CharField(_("visit"), max_length=16)
    target_date = models.DateField(_("target date"))
    earliest = models.DateField(_("window opens"))
    latest = models.DateField(_("window closes"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    unscheduled = models.BooleanField(default=False)

    site_path: ClassVar[str] = SITE

    class Meta:
        ordering = ["target_date", "visit_id"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "visit_id"], name="one_visit_per_id")
        ]

    def __str__(self) -> str:
        return f"{self.participant} {self.visit_id}"


class SystemicCycle(AuditedModel):
    """One cycle of chemotherapy plus the PD-1 inhibitor."""

    class Regimen(models.TextChoices):
        TP = "TP", _("TP (paclitaxel + platinum)")
        PF = "PF", _("PF (fluoropyrimidine + platinum)")

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="cycles")
    number = models.PositiveSmallIntegerField(_("cycle"))
    given_on = models.DateField(_("given on"))
    regimen = models.CharField(_("regimen"), max_length=2, choices=Regimen.choices)
    height_cm = models.DecimalField(_("height (cm)"), max_digits=5, decimal_places=1)
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=5, decimal_places=1)
    bsa_formula = models.CharField(
        _("BSA formula"),
        max_length=10,
        choices=[("mosteller", "Mosteller"), ("dubois", "DuBois")],
        default="mosteller",
    )
    bsa_m2 = models.DecimalField(_("BSA (m²)"), max_digits=4, decimal_places=2, editable=False)
    creatinine_clearance = models.DecimalField(
        _("creatinine clearance (mL/min, Cockcroft–Gault)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Needed for carboplatin (Calvert)."),
    )
    delay_days = models.PositiveSmallIntegerField(_("delay (days)"), default=0)
    delay_reason = models.CharField(_("reason for the delay"), max_length=300, blank=True)
    discontinued = models.BooleanField(_("treatment discontinued after this cycle"), default=False)
    discontinuation_reason = models.CharField(
        _("reason for discontinuation"), max_length=300, blank=True
    )

    site_path: ClassVar[str] = SITE

    class Meta:
        ordering = ["participant", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "number"],
                condition=models.Q(voided_at__isnull=True),
                name="one_cycle_per_number",
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} C{self.number}"


class AgentDose(AuditedModel):
    """One agent given in a cycle, with prescribed and given doses."""

    AGENTS = [
        ("paclitaxel", _("Paclitaxel")),
        ("fluorouracil", _("5-fluorouracil")),
        ("capecitabine", _("Capecitabine")),
        ("cisplatin", _("Cisplatin")),
        ("carboplatin", _("Carboplatin")),
        ("camrelizumab", _("Camrelizumab")),
        ("sintilimab", _("Sintilimab")),
        ("tislelizumab", _("Tislelizumab")),
        ("toripalimab", _("Toripalimab")),
        ("pembrolizumab", _("Pembrolizumab")),
        ("nivolumab", _("Nivolumab")),
        ("other_pd1", _("Other PD-1 inhibitor")),
    ]

    cycle = models.ForeignKey(SystemicCycle, on_delete=models.PROTECT, related_name="doses")
    agent = models.CharField(_("agent"), max_length=16, choices=AGENTS)
    prescribed_mg = models.DecimalField(_("prescribed dose (mg)"), max_digits=8, decimal_places=1)
    given_mg = models.DecimalField(_("given dose (mg)"), max_digits=8, decimal_places=1)
    reduced = models.BooleanField(_("dose reduced"), default=False)
    reduction_reason = models.CharField(_("reason for the reduction"), max_length=300, blank=True)
    confirmed_outside_range = models.BooleanField(
        _("dose outside the expected range confirmed"), default=False
    )

    site_path: ClassVar[str] = "cycle__participant__site"

    def __str__(self) -> str:
        return f"{self.cycle} {self.agent} {self.given_mg} mg"


class Progression(AuditedModel):
    """Disease progression, as the investigator records it."""

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="progressions"
    )
    progressed_on = models.DateField(_("date of progression"))
    basis = models.CharField(
        _("basis"),
        max_length=12,
        choices=[("recist", _("RECIST 1.1 progression")), ("clinical", _("Clinical progression"))],
    )
    locoregional = models.BooleanField(_("locoregional progression"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    site_path: ClassVar[str] = SITE

    def __str__(self) -> str:
        return f"{self.participant} PD {self.progressed_on}"


class MdtDecision(AuditedModel):
    """A multidisciplinary team decision about radiotherapy."""

    DISCIPLINES = [
        ("radiation_oncology", _("Radiation oncology")),
        ("medical_oncology", _("Medical oncology")),
        ("thoracic_surgery", _("Thoracic surgery")),
        ("radiology", _("Radiology")),
        ("pathology", _("Pathology")),
        ("gastroenterology", _("Gastroenterology")),
    ]

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="mdt_decisions"
    )
    decided_on = models.DateField(_("date of the meeting"))
    disciplines = models.JSONField(_("disciplines present"), default=list)
    recommends_salvage_radiotherapy = models.BooleanField(_("recommends salvage radiotherapy"))
    decision = models.CharField(_("decision"), max_length=300)
    rationale = models.TextField(_("rationale"))

    site_path: ClassVar[str] = SITE

    def __str__(self) -> str:
        return f"{self.participant} MDT {self.decided_on}"


class ProtocolDeviation(AuditedModel):
    """A departure from the protocol, recorded with its reason."""

    CATEGORIES = [
        ("eligibility", _("Eligibility")),
        ("treatment", _("Treatment")),
        ("radiotherapy", _("Radiotherapy")),
        ("visit_schedule", _("Visit schedule")),
        ("consent", _("Consent")),
        ("other", _("Other")),
    ]

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="deviations"
    )
    category = models.CharField(_("category"), max_length=20, choices=CATEGORIES)
    occurred_on = models.DateField(_("date"))
    description = models.TextField(_("description"))
    rule_broken = models.TextField(_("rule broken"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported = models.BooleanField(_("reported to the sponsor and ethics committee"), default=False)

    site_path: ClassVar[str] = SITE

    def __str__(self) -> str:
        return f"{self.participant} deviation {self.occurred_on}"


class RadiotherapyCourse(AuditedModel):
    """A course of radiotherapy: consolidation or salvage."""

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="radiotherapy"
    )
    intent = models.CharField(
        _("intent"),
        max_length=14,
        choices=[("consolidation", _("Consolidation")), ("salvage", _("Salvage"))],
    )
    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    interruption_days = models.PositiveSmallIntegerField(_("interruption (days)"), default=0)
    completed = models.BooleanField(_("completed as planned"), null=True, blank=True)
    deviation = models.ForeignKey(
        ProtocolDeviation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    site_path: ClassVar[str] = SITE

    def __str__(self) -> str:
        return f"{self.participant} {self.intent} RT {self.started_on}"


class RadiotherapyTarget(AuditedModel):
    """One target of a course with its dose; BED and EQD2 are computed."""

    TARGETS = [
        ("primary", _("Primary tumour")),
        ("regional_nodes", _("Regional lymph nodes")),
        ("metastasis", _("Metastasis")),
    ]
    TECHNIQUES = [
        ("3dcrt", "3D-CRT"),
        ("imrt", "IMRT"),
        ("vmat", "VMAT"),
        ("sbrt", "SBRT"),
        ("other", _("Other")),
    ]

    course = models.ForeignKey(RadiotherapyCourse, on_delete=models.PROTECT, related_name="targets")
    target = models.CharField(_("target"), max_length=16, choices=TARGETS)
    organ = models.CharField(_("organ (metastasis)"), max_length=40, blank=True)
    total_dose_gy = models.DecimalField(_("total dose (Gy)"), max_digits=5, decimal_places=2)
    fractions = models.PositiveSmallIntegerField(_("fractions"))
    technique = models.CharField(_("technique"), max_length=6, choices=TECHNIQUES)

    site_path: ClassVar[str] = "course__participant__site"

    def __str__(self) -> str:
        return f"{self.course} {self.target} {self.total_dose_gy} Gy/{self.fractions}"


class FollowUp(AuditedModel):
    """A follow-up contact: survival status and what has happened since."""

    STATUSES = [
        ("alive", _("Alive")),
        ("dead", _("Dead")),
        ("lost", _("Lost to follow-up")),
        ("withdrawn", _("Withdrawn")),
        ("end_of_study", _("End of study")),
    ]

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="follow_ups"
    )
    contact_on = models.DateField(_("contact date"))
    status = models.CharField(_("status"), max_length=14, choices=STATUSES)
    last_known_alive = models.DateField(_("last known alive"), null=True, blank=True)
    death_on = models.DateField(_("date of death"), null=True, blank=True)
    death_cause = models.CharField(
        _("cause of death"),
        max_length=20,
        blank=True,
        choices=[
            ("disease", _("Oesophageal cancer")),
            ("treatment", _("Treatment toxicity")),
            ("other", _("Other cause")),
            ("unknown", _("Unknown")),
        ],
    )
    subsequent_therapy = models.CharField(
        _("subsequent anticancer therapy"), max_length=300, blank=True
    )

    site_path: ClassVar[str] = SITE

    def __str__(self) -> str:
        return f"{self.participant} {self.status} {self.contact_on}"
