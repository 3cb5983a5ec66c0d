"""Users, sites and memberships."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from oncotrial.accounts.roles import SITE_ONLY, TRIAL_WIDE_ONLY, Role
from oncotrial.audit.models import AuditedModel


class User(AbstractUser):
    """A person who signs in. What they may do comes from their memberships."""

    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=[("en", "English"), ("zh-hans", "简体中文")],
        default="en",
    )


class Site(AuditedModel):
    """A participating centre."""

    code = models.CharField(
        _("site code"),
        max_length=8,
        unique=True,
        help_text=_("Two to eight capital letters or digits, used in screening numbers."),
    )
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    active = models.BooleanField(_("active"), default=True)

    site_path: ClassVar[str] = "id"

    class Meta:
        ordering = ["code"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def audit_site_id(self) -> int | None:
        return self.pk

    def clean(self) -> None:
        import re

        if not re.fullmatch(r"[A-Z0-9]{2,8}", self.code or ""):
            raise ValidationError(
                {"code": _("Use two to eight capital letters or digits (for example BJ01).")}
            )


class Membership(AuditedModel):
    """A role held by a user, at one site or trial-wide (no site)."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    site = models.ForeignKey(
        Site,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("site"),
        help_text=_("Leave empty for a trial-wide role."),
    )
    active = models.BooleanField(_("active"), default=True)

    site_path: ClassVar[str] = "site"

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "site"],
                condition=Q(active=True, voided_at__isnull=True),
                name="one_active_membership_per_role_and_site",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(active=True, voided_at__isnull=True, site__isnull=True),
                name="one_active_trial_wide_membership_per_role",
            ),
        ]

    def __str__(self) -> str:
        where = self.site.code if self.site_id else _("all sites")
        return f"{self.get_role_display()} — {where}"

    def clean(self) -> None:
        if self.role in SITE_ONLY and self.site_id is None:
            raise ValidationError({"site": _("This role is held at one site: choose the site.")})
        if self.role in TRIAL_WIDE_ONLY and self.site_id is not None:
            raise ValidationError({"site": _("This role is trial-wide: leave the site empty.")})
