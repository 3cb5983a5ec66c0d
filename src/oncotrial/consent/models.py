"""Consent records and withdrawals."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from oncotrial.audit.models import AuditedModel
from oncotrial.participants.models import Participant

# Optional consents, in the protocol's vocabulary (consent.optional).
OPTIONAL_CONSENTS = {
    "tissue": _("Tissue samples"),
    "blood": _("Blood samples"),
    "urine": _("Urine samples"),
    "wes": _("Whole exome sequencing"),
    "proteomics": _("Proteomics"),
    "future_research": _("Future research"),
}


class Consent(AuditedModel):
    """A signed informed consent for the trial, with its optional parts."""

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="consents")
    document_version = models.CharField(_("consent document version"), max_length=16)
    language = models.CharField(
        _("language of the document"), max_length=2, choices=[("zh", "中文"), ("en", "English")]
    )
    signed_at = models.DateTimeField(_("signed at"))
    obtained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("consent obtained by"),
    )
    tissue = models.BooleanField(OPTIONAL_CONSENTS["tissue"], default=False)
    blood = models.BooleanField(OPTIONAL_CONSENTS["blood"], default=False)
    urine = models.BooleanField(OPTIONAL_CONSENTS["urine"], default=False)
    wes = models.BooleanField(OPTIONAL_CONSENTS["wes"], default=False)
    proteomics = models.BooleanField(OPTIONAL_CONSENTS["proteomics"], default=False)
    future_research = models.BooleanField(OPTIONAL_CONSENTS["future_research"], default=False)

    site_path: ClassVar[str] = "participant__site"

    class Meta:
        ordering = ["signed_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.participant} v{self.document_version} {self.signed_at:%Y-%m-%d}"


class Withdrawal(AuditedModel):
    """A withdrawal of consent, with what it withdraws."""

    class Scope(models.TextChoices):
        TREATMENT = "treatment", _("Study treatment only; follow-up continues")
        FOLLOW_UP = "follow_up", _("Treatment and further follow-up")
        SAMPLES_AND_DATA = (
            "samples_and_data",
            _("Treatment, follow-up and the use of samples and data"),
        )

    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="withdrawals")
    withdrawn_on = models.DateField(_("withdrawn on"))
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    reason = models.TextField(_("reason given"), blank=True)

    site_path: ClassVar[str] = "consent__participant__site"

    class Meta:
        verbose_name = _("withdrawal of consent")
        verbose_name_plural = _("withdrawals of consent")

    def __str__(self) -> str:
        return f"{self.consent.participant} {self.get_scope_display()}"
