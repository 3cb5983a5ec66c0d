from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponseConfig(AppConfig):
    name = "oncotrial.response"
    verbose_name = _("Tumour response")
