from django.urls import path

from oncotrial.audit import views

urlpatterns = [path("", views.audit_log, name="audit-log")]
