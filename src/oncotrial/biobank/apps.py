from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BiobankConfig(AppConfig):
    name = "oncotrial.biobank"
    verbose_name = _("Biobank")
