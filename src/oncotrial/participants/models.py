"""The participant record."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from oncotrial.accounts.models import Site
from oncotrial.audit.models import AuditedModel
from oncotrial.trial.models import ProtocolVersion


class Participant(AuditedModel):
    """A person registered for screening at a site.

    The screening number is `<site code>-<sequence>`, the sequence counted
    per site inside a locked transaction with a unique constraint behind it.
    """

    class Sex(models.TextChoices):
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="participants", verbose_name=_("site")
    )
    sequence = models.PositiveIntegerField(editable=False)
    screening_number = models.CharField(
        _("screening number"), max_length=20, unique=True, editable=False
    )
    protocol_version = models.ForeignKey(ProtocolVersion, on_delete=models.PROTECT, editable=False)
    date_of_birth = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    screening_date = models.DateField(_("screening date"))
    registered_at = models.DateTimeField(auto_now_add=True)

    site_path: ClassVar[str] = "site"

    class Meta:
        ordering = ["site__code", "sequence"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "sequence"], name="one_screening_sequence_per_site"
            )
        ]

    def __str__(self) -> str:
        return self.screening_number
