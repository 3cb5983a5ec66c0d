from django.urls import path

from oncotrial.consent import views

urlpatterns = [
    path("participants/<int:participant_id>/", views.consent_page, name="consent"),
    path("<int:consent_id>/withdraw/", views.consent_withdraw, name="consent-withdraw"),
]
