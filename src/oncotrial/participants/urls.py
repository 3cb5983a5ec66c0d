from django.urls import path

from oncotrial.participants import views

urlpatterns = [
    path("", views.participant_list, name="participant-list"),
    path("new/", views.participant_register, name="participant-register"),
    path("<int:participant_id>/", views.participant_detail, name="participant-detail"),
    path("<int:participant_id>/edit/", views.participant_edit, name="participant-edit"),
    path("<int:participant_id>/void/", views.participant_void, name="participant-void"),
    path("<int:participant_id>/audit/", views.participant_audit, name="participant-audit"),
]
