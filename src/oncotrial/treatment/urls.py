from django.urls import path

from oncotrial.treatment import views

urlpatterns = [
    path("visits/", views.visits_due, name="visits-due"),
    path("participants/<int:participant_id>/", views.course_page, name="course"),
]
