from django.urls import path

from oncotrial.screening import views

urlpatterns = [
    path("log/", views.screening_log_page, name="screening-log"),
    path(
        "participants/<int:participant_id>/",
        views.participant_screenings,
        name="participant-screenings",
    ),
    path("<int:screening_id>/", views.screening_page, name="screening"),
    path("<int:screening_id>/status/", views.screening_status, name="screening-status"),
    path("<int:screening_id>/sign/", views.screening_sign, name="screening-sign"),
    path("<int:screening_id>/close/", views.screening_close, name="screening-close"),
]
