"""Settings of the application floor that bench/allocation.py measures beside allocation.

The application's own settings (middleware: sessions, CSRF, authentication,
sign-in required, idle timeout, locale, ...) with a URLconf of one view, the
bare-Django insert: what any signed-in write costs in this application before
it does any work of its own. Served like the others, with `--pythonpath bench`.
"""

from __future__ import annotations

from oncotrial.config.settings import *  # noqa: F403

ROOT_URLCONF = "app_floor_urls"
