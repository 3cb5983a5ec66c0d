"""Data cuts: frozen snapshots of the tidy tables."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DataCut(models.Model):
    """The tidy tables frozen at a cut-off date: Parquet files and their manifest."""

    cutoff = models.DateField(_("cut-off date"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    folder = models.CharField(max_length=300)
    manifest_sha256 = models.CharField(max_length=64)
    protocol_version = models.CharField(max_length=16)
    participants = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"cut {self.pk} at {self.cutoff}"

    @property
    def label(self) -> str:
        return (
            f"data cut #{self.pk}, cut-off {self.cutoff:%Y-%m-%d}, "
            f"manifest {self.manifest_sha256[:12]}"
        )
