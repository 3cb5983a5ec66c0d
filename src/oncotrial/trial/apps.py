from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrialConfig(AppConfig):
    name = "oncotrial.trial"
    verbose_name = _("Protocol")

    def ready(self) -> None:
        # Refuse to start on an invalid protocol file, saying why.
        from oncotrial.trial.current import current_protocol

        current_protocol()
