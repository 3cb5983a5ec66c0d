from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RandomizationConfig(AppConfig):
    name = "oncotrial.randomization"
    verbose_name = _("Allocation")
