from django.urls import path

from oncotrial.response import views

urlpatterns = [
    path("", views.trial_response, name="trial-response"),
    path("participants/<int:participant_id>/", views.response_page, name="response"),
    path(
        "participants/<int:participant_id>/preview/",
        views.response_preview,
        name="response-preview",
    ),
]
