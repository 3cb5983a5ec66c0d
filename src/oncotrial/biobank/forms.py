"""Forms of the biobank. Each error names its field and the rule."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oncotrial.accounts.models import Membership, User
from oncotrial.accounts.roles import Role
from oncotrial.biobank.models import (
    Box,
    Fate,
    Freezer,
    Placement,
    Rack,
    Shipment,
    Specimen,
    SpecimenType,
    Unit,
)

NOT_FROZEN = {SpecimenType.FFPE_BLOCK, SpecimenType.FFPE_SLIDES}
POSITION = re.compile(r"^\s*([A-Za-z])\s*(\d{1,2})\s*$")


def site_datetime_field(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


def _at_site(value: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    # The time typed is the site's wall-clock time.
    return value.replace(tzinfo=None).replace(tzinfo=zone)


class CollectionForm(forms.ModelForm):
    collected_at = site_datetime_field(_("Collected at (site time)"))

    class Meta:
        model = Specimen
        fields = [
            "specimen_type",
            "timepoint",
            "collected_at",
            "processing_minutes",
            "quantity",
            "unit",
            "collected_by",
        ]

    def __init__(self, *args: Any, site: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(site.time_zone)
        staff = Membership.objects.filter(active=True, voided_at__isnull=True).filter(
            Q(site=site, role__in=[Role.COORDINATOR, Role.INVESTIGATOR, Role.BIOBANK])
            | Q(site__isnull=True, role=Role.BIOBANK)
        )
        self.fields["collected_by"].queryset = User.objects.filter(
            pk__in=staff.values("user"), is_active=True
        ).order_by("username")

    def clean_collected_at(self) -> dt.datetime:
        value = _at_site(self.cleaned_data["collected_at"], self.zone)
        if value > timezone.now():
            raise forms.ValidationError(_("A specimen cannot be collected in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("specimen_type")
        if kind and kind not in NOT_FROZEN and data.get("processing_minutes") is None:
            self.add_error(
                "processing_minutes", _("Give the time from collection to freezing in minutes.")
            )
        if data.get("quantity") is not None and data["quantity"] <= 0:
            self.add_error("quantity", _("A quantity is above 0."))
        return data


class AliquotForm(forms.Form):
    specimen_type = forms.ChoiceField(label=_("Aliquot type"), choices=SpecimenType.choices)
    count = forms.IntegerField(label=_("Number of aliquots"), min_value=1, max_value=50)
    quantity = forms.DecimalField(
        label=_("Quantity of each aliquot"), max_digits=8, decimal_places=2
    )
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    processing_minutes = forms.IntegerField(
        label=_("Processing interval to freezing (minutes)"), min_value=0, required=False
    )

    def clean_quantity(self) -> Any:
        value = self.cleaned_data["quantity"]
        if value <= 0:
            raise forms.ValidationError(_("A quantity is above 0."))
        return value


class CheckInForm(forms.Form):
    box = forms.ModelChoiceField(label=_("Box"), queryset=Box.objects.none())
    position = forms.CharField(
        label=_("Position"), max_length=4, help_text=_("Row letter and column number, e.g. A1.")
    )

    def __init__(self, *args: Any, boxes: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["box"].queryset = boxes

    def clean_position(self) -> tuple[int, int]:
        match = POSITION.match(self.cleaned_data["position"])
        if not match:
            raise forms.ValidationError(
                _("Write the position as a row letter and a number, e.g. A1.")
            )
        return ord(match.group(1).upper()) - ord("A") + 1, int(match.group(2))


class CheckOutForm(forms.Form):
    out_reason = forms.ChoiceField(
        label=_("Reason for taking out"),
        choices=[
            (Placement.OutReason.USE, Placement.OutReason.USE.label),
            (Placement.OutReason.MOVE, Placement.OutReason.MOVE.label),
        ],
    )


class FateForm(forms.Form):
    fate = forms.ChoiceField(label=_("Fate"), choices=Fate.choices)
    fate_reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the specimen is returned or retained."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("fate") in ("returned", "retained") and not data.get("fate_reason", "").strip():
            self.add_error("fate_reason", _("Give the reason it was returned or retained."))
        return data


class FreezerForm(forms.ModelForm):
    class Meta:
        model = Freezer
        fields = ["site", "name", "temperature_c"]

    def __init__(self, *args: Any, sites: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites

    def clean_temperature_c(self) -> int:
        value = self.cleaned_data["temperature_c"]
        if value > -20:
            raise forms.ValidationError(_("A storage freezer runs at −20 °C or colder."))
        return value


class RackForm(forms.ModelForm):
    class Meta:
        model = Rack
        fields = ["freezer", "name"]

    def __init__(self, *args: Any, freezers: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["freezer"].queryset = freezers


class BoxForm(forms.ModelForm):
    class Meta:
        model = Box
        fields = ["rack", "name", "rows", "columns"]

    def __init__(self, *args: Any, racks: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["rack"].queryset = racks

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("rows", "columns"):
            if data.get(name) is not None and not 1 <= data[name] <= 26:
                self.add_error(name, _("A box has 1 to 26 rows and columns."))
        return data


class ShipmentForm(forms.ModelForm):
    class Meta:
        model = Shipment
        fields = ["site", "destination", "assay"]

    def __init__(self, *args: Any, sites: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


class BarcodeForm(forms.Form):
    barcode = forms.CharField(label=_("Barcode"), max_length=40)

    def clean_barcode(self) -> str:
        return self.cleaned_data["barcode"].strip().upper()


class ReceiptForm(forms.Form):
    received_at = site_datetime_field(_("Received at (laboratory time)"))
    received_by_name = forms.CharField(label=_("Received by"), max_length=120)
    receipt_note = forms.CharField(
        label=_("Condition on arrival"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, zone: ZoneInfo, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.zone = zone

    def clean_received_at(self) -> dt.datetime:
        value = _at_site(self.cleaned_data["received_at"], self.zone)
        if value > timezone.now():
            raise forms.ValidationError(_("Receipt cannot be in the future."))
        return value
