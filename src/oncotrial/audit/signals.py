"""Logins, failed logins and logouts go into the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from oncotrial.audit.models import AuditEvent
from oncotrial.audit.services import append_event


def _client(request: Any) -> dict[str, str]:
    if request is None:
        return {}
    return {"ip": request.META.get("REMOTE_ADDR", "")}


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    append_event(
        actor=user,
        action=AuditEvent.Action.LOGIN,
        record_type="accounts.user",
        record_id=str(user.pk),
        changes=_client(request),
    )


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        append_event(
            actor=user,
            action=AuditEvent.Action.LOGOUT,
            record_type="accounts.user",
            record_id=str(user.pk),
            changes=_client(request),
        )


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    # Only the attempted username is kept, never the password.
    append_event(
        actor=None,
        actor_name=str(credentials.get("username", ""))[:150] or "?",
        action=AuditEvent.Action.LOGIN_FAILED,
        record_type="accounts.user",
        changes=_client(request),
    )
