from django.urls import path

from oncotrial.reports import views

urlpatterns = [
    path("", views.reports_home, name="reports"),
    path("cuts/<int:cut_id>/", views.report_page, name="report"),
    path("cuts/<int:cut_id>/pdf/", views.report_pdf, name="report-pdf"),
]
