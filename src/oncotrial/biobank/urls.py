"""Biobank pages."""

from django.urls import path

from oncotrial.biobank import views

urlpatterns = [
    path("", views.specimen_list, name="biobank"),
    path("scan/", views.scan, name="biobank-scan"),
    path(
        "participants/<int:participant_id>/",
        views.participant_specimens,
        name="biobank-participant",
    ),
    path("specimens/<int:specimen_id>/", views.specimen_page, name="biobank-specimen"),
    path("specimens/<int:specimen_id>/label/", views.label, name="biobank-label"),
    path("storage/", views.storage, name="biobank-storage"),
    path("boxes/<int:box_id>/", views.box_page, name="biobank-box"),
    path("shipments/", views.shipment_list, name="biobank-shipments"),
    path("shipments/<int:shipment_id>/", views.shipment_page, name="biobank-shipment"),
    path(
        "shipments/<int:shipment_id>/manifest.csv",
        views.manifest_csv,
        name="biobank-manifest-csv",
    ),
    path(
        "shipments/<int:shipment_id>/manifest.pdf",
        views.manifest_pdf,
        name="biobank-manifest-pdf",
    ),
]
