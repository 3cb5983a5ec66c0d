"""URLconf of the bare-Django ceiling: POST /insert/ writes one row and answers 200.

bench/allocation.py creates the table (`TABLE_SQL`, PostgreSQL) before it
starts the server (bare_django_settings).
"""

from __future__ import annotations

import uuid

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import path
from django.utils import timezone

TABLE = "bench_bare_row"
TABLE_SQL = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} "
    "(id bigserial PRIMARY KEY, created_at timestamptz NOT NULL, token uuid NOT NULL)"
)
INSERT_SQL = f"INSERT INTO {TABLE} (created_at, token) VALUES (%s, %s)"


def insert_one(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    # One committed transaction, like every allocation.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(INSERT_SQL, [timezone.now(), uuid.uuid4()])
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("insert/", insert_one)]
