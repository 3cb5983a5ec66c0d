"""URLconf of the application floor: POST /insert/ behind the application's middleware."""

from __future__ import annotations

from bare_django_urls import insert_one
from django.urls import path

urlpatterns = [path("insert/", insert_one)]
