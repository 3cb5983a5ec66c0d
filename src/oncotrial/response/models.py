"""Lesions, assessments and measurements."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from oncotrial.audit.models import AuditedModel
from oncotrial.participants.models import Participant


class Lesion(AuditedModel):
    """A lesion chosen at baseline, as a target or a non-target."""

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="lesions")
    code = models.CharField(_("lesion"), max_length=8)
    role = models.CharField(
        _("role"),
        max_length=16,
        choices=[
            ("target", _("Target")),
            ("non_target", _("Non-target")),
            ("new_target", _("New lesion, measured (iRECIST)")),
            ("new_non_target", _("New lesion, not measured (iRECIST)")),
        ],
    )
    first_seen = models.DateField(_("first seen"), null=True, blank=True)
    organ = models.CharField(_("organ"), max_length=40)
    nodal = models.BooleanField(_("lymph node"), default=False)
    previously_irradiated = models.BooleanField(
        _("in a previously irradiated field"), default=False
    )
    progressed_after_irradiation = models.BooleanField(
        _("progressed since that irradiation"), default=False
    )

    site_path: ClassVar[str] = "participant__site"

    class Meta:
        ordering = ["participant", "code"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "code"], name="one_lesion_per_code")
        ]

    def __str__(self) -> str:
        return f"{self.participant} {self.code}"


class TumourAssessment(AuditedModel):
    """One imaging assessment; the first is the baseline."""

    NON_TARGET = [
        ("CR", "CR"),
        ("non_CR_non_PD", _("Non-CR/non-PD")),
        ("PD", "PD"),
        ("NE", _("Not evaluable")),
    ]
    NEW_LESIONS = [
        ("none", _("None")),
        ("equivocal", _("Equivocal")),
        ("unequivocal", _("Unequivocal")),
    ]

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="tumour_assessments"
    )
    assessed_on = models.DateField(_("date of the scan"))
    non_target = models.CharField(
        _("non-target lesions"), max_length=16, choices=NON_TARGET, blank=True
    )
    new_lesions = models.CharField(
        _("new lesions"), max_length=12, choices=NEW_LESIONS, default="none"
    )
    computed = models.JSONField(_("computed response"), default=dict, blank=True)
    computed_irecist = models.JSONField(_("computed iRECIST response"), default=dict, blank=True)
    investigator_overall = models.CharField(
        _("investigator's overall response"), max_length=16, blank=True
    )
    investigator_reason = models.TextField(_("reason for the differing assessment"), blank=True)

    site_path: ClassVar[str] = "participant__site"

    class Meta:
        ordering = ["participant", "assessed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "assessed_on"],
                condition=models.Q(voided_at__isnull=True),
                name="one_assessment_per_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} {self.assessed_on}"


class Measurement(AuditedModel):
    """A target lesion's size at one assessment."""

    STATES = [
        ("measured", _("Measured")),
        ("too_small", _("Too small to measure (5 mm)")),
        ("disappeared", _("Disappeared (0 mm)")),
        ("present", _("Present")),
        ("increased", _("Increased")),
        ("unequivocal_pd", _("Unequivocal progression")),
        ("absent", _("Absent")),
    ]

    assessment = models.ForeignKey(
        TumourAssessment, on_delete=models.PROTECT, related_name="measurements"
    )
    lesion = models.ForeignKey(Lesion, on_delete=models.PROTECT, related_name="measurements")
    state = models.CharField(_("state"), max_length=16, choices=STATES, default="measured")
    value_mm = models.DecimalField(
        _("diameter (mm)"), max_digits=5, decimal_places=1, null=True, blank=True
    )

    site_path: ClassVar[str] = "assessment__participant__site"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "lesion"], name="one_measurement_per_lesion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.lesion.code}"
