"""Account administration, audited: users, sites and memberships."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from oncotrial.accounts.models import Membership, Site, User
from oncotrial.audit.models import AuditEvent
from oncotrial.audit.services import ReasonRequired, append_event, save_record


def create_user(
    *,
    actor: Any,
    username: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    preferred_language: str = "en",
) -> User:
    with transaction.atomic():
        user = User(
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=email,
            preferred_language=preferred_language,
        )
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        append_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            record_type="accounts.user",
            record_id=str(user.pk),
            changes={
                "username": [None, username],
                "first_name": [None, first_name],
                "last_name": [None, last_name],
                "email": [None, email],
            },
        )
    return user


def set_user_active(*, actor: Any, user: User, active: bool, reason: str) -> None:
    reason = reason.strip()
    if not reason:
        raise ReasonRequired(_("Enabling or disabling an account needs a reason."))
    with transaction.atomic():
        if user.is_active == active:
            return
        user.is_active = active
        user.save(update_fields=["is_active"])
        append_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            record_type="accounts.user",
            record_id=str(user.pk),
            changes={"is_active": [not active, active]},
            reason=reason,
        )


def create_site(*, actor: Any, site: Site) -> Site:
    site.full_clean()
    save_record(site, actor=actor)
    return site


def add_membership(*, actor: Any, user: User, role: str, site: Site | None) -> Membership:
    membership = Membership(user=user, role=role, site=site)
    membership.full_clean()
    save_record(membership, actor=actor)
    return membership


def end_membership(*, actor: Any, membership: Membership, reason: str) -> None:
    membership.active = False
    save_record(membership, actor=actor, reason=reason)
