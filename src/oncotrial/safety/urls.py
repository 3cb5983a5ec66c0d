from django.urls import path

from oncotrial.safety import views

urlpatterns = [
    path("serious/", views.sae_dashboard, name="sae-dashboard"),
    path("grades/", views.grades, name="ctcae-grades"),
    path("lab-grade/", views.lab_grade, name="ctcae-lab-grade"),
    path("participants/<int:participant_id>/", views.events_page, name="adverse-events"),
    path("events/<int:event_id>/", views.event_edit, name="adverse-event-edit"),
    path("events/<int:event_id>/report/", views.report_sent, name="adverse-event-report"),
]
