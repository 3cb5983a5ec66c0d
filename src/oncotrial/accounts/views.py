"""The trial administrator's pages: sites, accounts and memberships."""

from __future__ import annotations

from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from oncotrial.accounts import services
from oncotrial.accounts.forms import (
    MembershipForm,
    ReasonForm,
    SiteEditForm,
    SiteForm,
    UserCreateForm,
)
from oncotrial.accounts.models import Membership, Site, User
from oncotrial.accounts.roles import Capability
from oncotrial.accounts.scope import require
from oncotrial.audit.services import ReasonRequired, history, save_record


def _admin(request: HttpRequest) -> None:
    require(request.user, Capability.MANAGE_ACCOUNTS)


def site_list(request: HttpRequest) -> HttpResponse:
    _admin(request)
    return render(request, "accounts/site_list.html", {"sites": Site.objects.all()})


def site_create(request: HttpRequest) -> HttpResponse:
    _admin(request)
    form = SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        site = services.create_site(actor=request.user, site=form.instance)
        messages.success(request, _("Site %(code)s created.") % {"code": site.code})
        return redirect("site-list")
    return render(request, "accounts/site_form.html", {"form": form, "site": None})


def site_edit(request: HttpRequest, site_id: int) -> HttpResponse:
    _admin(request)
    site = get_object_or_404(Site, pk=site_id)
    form = SiteEditForm(request.POST or None, instance=site)
    if request.method == "POST" and form.is_valid():
        try:
            save_record(form.instance, actor=request.user, reason=form.cleaned_data["reason"])
        except ReasonRequired as exc:
            form.add_error("reason", str(exc))
        else:
            messages.success(request, _("Site %(code)s saved.") % {"code": site.code})
            return redirect("site-list")
    return render(
        request, "accounts/site_form.html", {"form": form, "site": site, "events": history(site)}
    )


def user_list(request: HttpRequest) -> HttpResponse:
    _admin(request)
    users = User.objects.prefetch_related("memberships__site").order_by("username")
    return render(request, "accounts/user_list.html", {"users": users})


def user_create(request: HttpRequest) -> HttpResponse:
    _admin(request)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.create_user(
            actor=request.user,
            username=data["username"],
            password=data["password1"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            preferred_language=data["preferred_language"],
        )
        messages.success(request, _("Account %(name)s created.") % {"name": user.username})
        return redirect("user-detail", user_id=user.pk)
    return render(request, "accounts/user_create.html", {"form": form})


def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    _admin(request)
    account = get_object_or_404(User, pk=user_id)
    form = MembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_membership(
                actor=request.user,
                user=account,
                role=form.cleaned_data["role"],
                site=form.cleaned_data["site"],
            )
        except IntegrityError:
            form.add_error(None, _("This user already holds this role there."))
        else:
            messages.success(request, _("Role added."))
            return redirect("user-detail", user_id=account.pk)
    memberships = account.memberships.select_related("site").order_by("-active", "role")
    return render(
        request,
        "accounts/user_detail.html",
        {"account": account, "memberships": memberships, "form": form, "reason_form": ReasonForm()},
    )


def user_set_active(request: HttpRequest, user_id: int) -> HttpResponse:
    _admin(request)
    account = get_object_or_404(User, pk=user_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if account.pk == request.user.pk:
            messages.error(request, _("You cannot disable your own account."))
        else:
            services.set_user_active(
                actor=request.user,
                user=account,
                active=not account.is_active,
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Account updated."))
        return redirect("user-detail", user_id=account.pk)
    return render(request, "accounts/user_set_active.html", {"account": account, "form": form})


def membership_end(request: HttpRequest, membership_id: int) -> HttpResponse:
    _admin(request)
    membership = get_object_or_404(
        Membership.objects.select_related("user", "site"), pk=membership_id
    )
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and membership.active:
        services.end_membership(
            actor=request.user, membership=membership, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Role ended."))
        return redirect("user-detail", user_id=membership.user_id)
    return render(request, "accounts/membership_end.html", {"membership": membership, "form": form})
