from django.urls import path

from oncotrial.randomization import views

urlpatterns = [
    path("", views.allocation_overview, name="allocation-overview"),
    path("sequences/", views.allocation_reveal, name="allocation-reveal"),
    path("participants/<int:participant_id>/", views.allocation_page, name="allocation"),
    path("<int:allocation_id>/correct/", views.allocation_correct, name="allocation-correct"),
]
