"""Protocol versions as loaded into the database."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProtocolVersion(models.Model):
    """One version of the protocol. Its content never changes once loaded:
    an amendment is a new version, and records keep the version they were
    made under."""

    registry_id = models.CharField(max_length=16)
    version = models.CharField(_("version"), max_length=16)
    effective_date = models.DateField(_("effective date"))
    sha256 = models.CharField(max_length=64)
    content = models.JSONField()
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_date", "-loaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["registry_id", "version"], name="one_row_per_protocol_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registry_id} v{self.version}"
