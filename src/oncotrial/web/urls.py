from django.urls import path

from oncotrial.web import views

urlpatterns = [
    path("", views.home, name="home"),
]
