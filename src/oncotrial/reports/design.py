"""The statisticians' design page: events needed and group-sequential bounds."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from oncotrial.accounts.roles import Capability
from oncotrial.accounts.scope import require
from oncotrial.design import group_sequential, sample_size

KINDS = [
    ("obrien_fleming", _("O'Brien–Fleming (classic)")),
    ("pocock", _("Pocock (classic)")),
    ("haybittle_peto", _("Haybittle–Peto")),
    ("ld_obrien_fleming", _("Lan–DeMets, O'Brien–Fleming-type spending")),
    ("ld_pocock", _("Lan–DeMets, Pocock-type spending")),
]


class DesignForm(forms.Form):
    hazard_ratio = forms.FloatField(
        label=_("Hazard ratio"), initial=0.6, min_value=0.05, max_value=0.99
    )
    alpha = forms.FloatField(label=_("Alpha"), initial=0.05, min_value=0.001, max_value=0.5)
    sided = forms.TypedChoiceField(
        label=_("Sides"), choices=[(1, _("One-sided")), (2, _("Two-sided"))], coerce=int, initial=2
    )
    power = forms.FloatField(label=_("Power"), initial=0.8, min_value=0.5, max_value=0.999)
    ratio = forms.FloatField(
        label=_("Allocation ratio (experimental : control)"),
        initial=1.0,
        min_value=0.1,
        max_value=10,
    )
    looks = forms.IntegerField(
        label=_("Analyses (interim and final)"), initial=2, min_value=1, max_value=10
    )
    kind = forms.ChoiceField(label=_("Efficacy boundary"), choices=KINDS, initial="obrien_fleming")


def design_page(request: HttpRequest) -> HttpResponse:
    require(request.user, Capability.VIEW_ANALYSES)
    form = DesignForm(request.GET or None)
    result: dict[str, Any] = {}
    if form.is_valid():
        d = form.cleaned_data
        args = (d["hazard_ratio"], d["alpha"], d["power"])
        result["schoenfeld"] = sample_size.schoenfeld_events(
            *args, sided=d["sided"], ratio=d["ratio"]
        )
        result["freedman"] = sample_size.freedman_events(*args, sided=d["sided"], ratio=d["ratio"])
        if d["looks"] > 1:
            # Boundaries are one-sided at alpha / sides (a two-sided design is symmetric).
            design = group_sequential.design(d["looks"], d["alpha"] / d["sided"], d["kind"])
            result["design"] = design
            result["looks"] = list(
                zip(design.timing, design.efficacy, design.alpha_spent, strict=True)
            )
    return render(request, "reports/design.html", {"form": form, "result": result})
