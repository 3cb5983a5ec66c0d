"""Adverse events, their attributions, and expedited reports."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from oncotrial.audit.models import AuditedModel
from oncotrial.participants.models import Participant

ATTRIBUTIONS = [
    ("unrelated", _("Unrelated")),
    ("unlikely", _("Unlikely")),
    ("possible", _("Possible")),
    ("probable", _("Probable")),
    ("definite", _("Definite")),
]
ACTIONS = [
    ("none", _("None")),
    ("delayed", _("Delayed")),
    ("reduced", _("Dose reduced")),
    ("interrupted", _("Interrupted")),
    ("discontinued", _("Discontinued")),
]
SERIOUSNESS = [
    ("death", _("Results in death")),
    ("life_threatening", _("Life-threatening")),
    ("hospitalisation", _("Requires or prolongs hospitalisation")),
    ("disability", _("Persistent or significant disability")),
    ("congenital_anomaly", _("Congenital anomaly or birth defect")),
    ("medically_important", _("Other important medical event")),
]


class AdverseEvent(AuditedModel):
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="adverse_events"
    )
    term = models.CharField(_("CTCAE term"), max_length=120)
    meddra_code = models.CharField(max_length=12, editable=False)
    soc = models.CharField(max_length=120, editable=False)
    grade = models.PositiveSmallIntegerField(_("grade"))
    onset_on = models.DateField(_("onset"))
    resolved_on = models.DateField(_("resolution"), null=True, blank=True)
    seriousness = models.JSONField(_("seriousness criteria"), default=list, blank=True)
    aware_at = models.DateTimeField(
        _("site became aware (site time)"),
        null=True,
        blank=True,
        help_text=_("Starts the reporting clock of a serious event."),
    )
    expected = models.BooleanField(
        _("expected (reference safety information)"), null=True, blank=True
    )
    immune_related = models.BooleanField(_("immune-related"), default=False)
    outcome = models.CharField(
        _("outcome"),
        max_length=20,
        choices=[
            ("recovering", _("Recovering")),
            ("recovered", _("Recovered")),
            ("recovered_sequelae", _("Recovered with sequelae")),
            ("not_recovered", _("Not recovered")),
            ("fatal", _("Fatal")),
            ("unknown", _("Unknown")),
        ],
    )

    site_path: ClassVar[str] = "participant__site"

    class Meta:
        ordering = ["participant", "onset_on"]

    def __str__(self) -> str:
        return f"{self.participant} {self.term} G{self.grade}"

    @property
    def serious(self) -> bool:
        return bool(self.seriousness)


class Attribution(AuditedModel):
    """The relation of an event to one intervention the participant received."""

    event = models.ForeignKey(AdverseEvent, on_delete=models.PROTECT, related_name="attributions")
    intervention = models.CharField(_("intervention"), max_length=20)
    attribution = models.CharField(_("attribution"), max_length=10, choices=ATTRIBUTIONS)
    action = models.CharField(_("action taken"), max_length=12, choices=ACTIONS, default="none")

    site_path: ClassVar[str] = "event__participant__site"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "intervention"],
                condition=models.Q(voided_at__isnull=True),
                name="one_attribution_per_intervention",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.intervention}: {self.attribution}"


class ExpeditedReport(AuditedModel):
    """A report of a serious event actually sent, which meets a deadline."""

    event = models.ForeignKey(AdverseEvent, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(_("deadline met"), max_length=40)
    sent_at = models.DateTimeField(_("sent at"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    site_path: ClassVar[str] = "event__participant__site"

    def __str__(self) -> str:
        return f"{self.event} {self.kind} {self.sent_at:%Y-%m-%d}"
