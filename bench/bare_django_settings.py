"""Settings of the bare-Django ceiling that bench/allocation.py measures beside allocation.

One view that inserts one row (bare_django_urls), no apps, no middleware, the
database from `DATABASE_URL` with the connection reuse the application's
settings use: what Django itself costs for a write request on this machine.
Served by gunicorn with `--pythonpath bench` and
`DJANGO_SETTINGS_MODULE=bare_django_settings`.
"""

from __future__ import annotations

import os
import secrets

import dj_database_url

# Nothing is signed here; a key is required all the same.
SECRET_KEY = os.environ.get("BARE_DJANGO_SECRET_KEY") or secrets.token_urlsafe(48)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bare_django_urls"
DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
USE_TZ = True
TIME_ZONE = "UTC"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
