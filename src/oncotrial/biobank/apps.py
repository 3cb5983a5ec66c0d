"""The biobank: specimens from collection to aliquot, storage and shipment,
gated by consent."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BiobankConfig(AppConfig):
    name = "oncotrial.biobank"
    verbose_name = _("Biobank")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from oncotrial.biobank.signals import withdrawal_saved
        from oncotrial.consent.models import Withdrawal

        post_save.connect(withdrawal_saved, sender=Withdrawal, dispatch_uid="biobank-withdrawal")
