"""URL map: one include per Django app."""

from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("oncotrial.web.urls")),
    path("accounts/", include("oncotrial.accounts.urls")),
    path("participants/", include("oncotrial.participants.urls")),
    path("consent/", include("oncotrial.consent.urls")),
    path("screening/", include("oncotrial.screening.urls")),
    path("allocation/", include("oncotrial.randomization.urls")),
    path("course/", include("oncotrial.treatment.urls")),
    path("response/", include("oncotrial.response.urls")),
    path("safety/", include("oncotrial.safety.urls")),
    path("biobank/", include("oncotrial.biobank.urls")),
    path("reports/", include("oncotrial.reports.urls")),
    path("audit/", include("oncotrial.audit.urls")),
    path("protocol/", include("oncotrial.trial.urls")),
]
