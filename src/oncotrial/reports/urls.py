from django.urls import path

from oncotrial.reports import design, views

urlpatterns = [
    path("", views.reports_home, name="reports"),
    path("design/", design.design_page, name="design"),
    path("cuts/<int:cut_id>/", views.report_page, name="report"),
    path("cuts/<int:cut_id>/pdf/", views.report_pdf, name="report-pdf"),
]
