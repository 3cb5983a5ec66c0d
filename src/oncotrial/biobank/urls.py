"""Biobank pages."""

urlpatterns: list = []
