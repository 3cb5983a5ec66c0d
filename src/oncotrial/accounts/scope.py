"""What a user may see and do: the one place that applies site scoping.

Views never filter by site themselves. They ask for a capability:
`visible(queryset, user, capability)` narrows any queryset of a site-owned
model (its `site_path` names the way to the site) to the sites where the user
holds that capability; `require(user, capability, site_id)` refuses an action.
A record outside the user's scope is answered with 404 by the views, so its
existence is not revealed either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet

from oncotrial.accounts.roles import CAPABILITIES


@dataclass(frozen=True)
class Reach:
    """Where a user holds a capability: everywhere, or at these sites."""

    everywhere: bool
    site_ids: frozenset[int]

    @property
    def anywhere(self) -> bool:
        return self.everywhere or bool(self.site_ids)

    def covers(self, site_id: int | None) -> bool:
        return self.everywhere or (site_id is not None and site_id in self.site_ids)


NOWHERE = Reach(False, frozenset())
M = TypeVar("M", bound=Model)


def _memberships(user: Any) -> list[tuple[str, int | None]]:
    cached = getattr(user, "_oncotrial_memberships", None)
    if cached is None:
        from oncotrial.accounts.models import Membership

        cached = list(
            Membership.objects.filter(user=user, active=True, voided_at__isnull=True).values_list(
                "role", "site_id"
            )
        )
        user._oncotrial_memberships = cached
    return cached


def roles_of(user: Any) -> list[tuple[str, int | None]]:
    """(role, site id or None) for each active membership of `user`."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return _memberships(user)


def reach(user: Any, capability: str) -> Reach:
    everywhere = False
    sites: set[int] = set()
    for role, site_id in roles_of(user):
        if capability in CAPABILITIES.get(role, frozenset()):
            if site_id is None:
                everywhere = True
            else:
                sites.add(site_id)
    return Reach(everywhere, frozenset(sites)) if everywhere or sites else NOWHERE


def can(user: Any, capability: str, site_id: int | None = None) -> bool:
    """Whether `user` holds `capability` (at `site_id`, when one is given)."""
    r = reach(user, capability)
    return r.anywhere if site_id is None else r.covers(site_id)


def require(user: Any, capability: str, site_id: int | None = None) -> Reach:
    if not can(user, capability, site_id):
        raise PermissionDenied(capability)
    return reach(user, capability)


def visible(queryset: QuerySet[M], user: Any, capability: str) -> QuerySet[M]:
    """`queryset` narrowed to the records `user` may reach with `capability`."""
    r = reach(user, capability)
    if r.everywhere:
        return queryset
    if not r.site_ids:
        return queryset.none()
    site_path = queryset.model.site_path
    if not site_path:
        return queryset.none()
    lookup = "pk__in" if site_path == "id" else f"{site_path}__in"
    return queryset.filter(**{lookup: r.site_ids})


def visible_or_404(queryset: QuerySet[M], user: Any, capability: str, pk: Any) -> M:
    """The record `pk` of `queryset` if `user` may reach it with `capability`;
    otherwise 404, so a record outside the user's scope is not revealed."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(visible(queryset, user, capability), pk=pk)
