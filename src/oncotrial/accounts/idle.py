"""The idle timeout of signed-in sessions.

A session ends `SESSION_COOKIE_AGE` seconds after it was last written.
Writing it on every request (Django's SESSION_SAVE_EVERY_REQUEST) would cost
each request a database write; instead the expiry is moved on when the last
write is at least `SESSION_REFRESH_SECONDS` old, so a session ends between
AGE - REFRESH and AGE seconds after the last request (29 to 30 minutes by
default).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

TOUCHED = "_oncotrial_touched"


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        # Only signed-in sessions: touching an anonymous one would create it.
        if user is not None and user.is_authenticated:
            now = int(time.time())
            if now - request.session.get(TOUCHED, 0) >= settings.SESSION_REFRESH_SECONDS:
                request.session[TOUCHED] = now  # marks the session modified: it is saved
        return response
