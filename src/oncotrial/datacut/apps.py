from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatacutConfig(AppConfig):
    name = "oncotrial.datacut"
    verbose_name = _("Data cuts")
