from django.urls import path

from oncotrial.trial import views

urlpatterns = [path("", views.protocol_page, name="protocol")]
