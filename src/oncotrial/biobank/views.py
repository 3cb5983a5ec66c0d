"""Biobank pages: specimens in scope, a participant's schedule and collections,
a specimen with its lineage and custody, labels, storage, shipments."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from oncotrial.accounts.models import Site
from oncotrial.accounts.roles import Capability
from oncotrial.accounts.scope import can, require, visible, visible_or_404
from oncotrial.audit.services import history
from oncotrial.biobank import manifest, services
from oncotrial.biobank.forms import (
    AliquotForm,
    BarcodeForm,
    BoxForm,
    CheckInForm,
    CheckOutForm,
    CollectionForm,
    FateForm,
    FreezerForm,
    RackForm,
    ReceiptForm,
    ShipmentForm,
)
from oncotrial.biobank.label import barcode_svg
from oncotrial.biobank.models import Box, Freezer, Rack, Shipment, Specimen
from oncotrial.biobank.schedule import expected_specimens
from oncotrial.consent.services import current_consent
from oncotrial.participants.forms import site_today
from oncotrial.participants.models import Participant
from oncotrial.trial.current import current_protocol

VIEW = Capability.VIEW_SPECIMENS


def _specimens(user: Any) -> QuerySet[Specimen]:
    return visible(
        Specimen.objects.filter(voided_at__isnull=True).select_related(
            "participant__site", "parent"
        ),
        user,
        VIEW,
    )


def _refused(form: Any, exc: services.BiobankRefused) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc.message))


def _list_page(request: HttpRequest, scan_form: BarcodeForm) -> HttpResponse:
    specimens = _specimens(request.user)
    return render(
        request,
        "biobank/list.html",
        {
            "specimens": specimens.order_by("-pk")[:200],
            "flagged": specimens.filter(flagged_for_destruction_at__isnull=False, fate=""),
            "scan": scan_form,
            "participants": visible(
                Participant.objects.filter(voided_at__isnull=True).select_related("site"),
                request.user,
                VIEW,
            ),
        },
    )


def specimen_list(request: HttpRequest) -> HttpResponse:
    require(request.user, VIEW)
    return _list_page(request, BarcodeForm())


@require_GET
def scan(request: HttpRequest) -> HttpResponse:
    """A scanner types the barcode and Enter: jump to the specimen."""
    require(request.user, VIEW)
    form = BarcodeForm(request.GET)
    if form.is_valid():
        found = _specimens(request.user).filter(barcode=form.cleaned_data["barcode"]).first()
        if found is not None:
            return redirect("biobank-specimen", specimen_id=found.pk)
        form.add_error(
            "barcode",
            gettext("No specimen with barcode %(code)s in your scope.")
            % {"code": form.cleaned_data["barcode"]},
        )
    return _list_page(request, form)


def participant_specimens(request: HttpRequest, participant_id: int) -> HttpResponse:
    participant = visible_or_404(
        Participant.objects.select_related("site"), request.user, VIEW, participant_id
    )
    protocol = current_protocol()
    may = can(request.user, Capability.HANDLE_SPECIMENS, participant.site_id)
    form = CollectionForm(site=participant.site, initial={"collected_by": request.user.pk})
    if request.method == "POST":
        require(request.user, Capability.HANDLE_SPECIMENS, participant.site_id)
        form = CollectionForm(request.POST, site=participant.site)
        if form.is_valid():
            try:
                specimen = services.collect(form.instance, participant, request.user, protocol)
            except services.BiobankRefused as exc:
                _refused(form, exc)
            else:
                messages.success(
                    request,
                    gettext("Specimen %(barcode)s recorded.") % {"barcode": specimen.barcode},
                )
                return redirect("biobank-specimen", specimen_id=specimen.pk)
    consent = current_consent(participant)
    today = site_today(participant.site.time_zone)
    return render(
        request,
        "biobank/participant.html",
        {
            "participant": participant,
            "schedule": expected_specimens(participant, protocol, consent, today),
            "specimens": participant.specimens.filter(voided_at__isnull=True).select_related(
                "parent"
            ),
            "withdrawn": services.samples_withdrawn(participant),
            "consent": consent,
            "may_handle": may,
            "form": form,
        },
    )


FORMS = {
    "aliquot": AliquotForm,
    "checkin": CheckInForm,
    "checkout": CheckOutForm,
    "fate": FateForm,
}


def _boxes(user: Any) -> QuerySet[Box]:
    return visible(
        Box.objects.filter(voided_at__isnull=True).select_related("rack__freezer__site"),
        user,
        Capability.HANDLE_SPECIMENS,
    )


def _form(name: str, user: Any, data: Any = None) -> Any:
    if name == "checkin":
        return CheckInForm(data, boxes=_boxes(user), prefix=name)
    return FORMS[name](data, prefix=name)


def specimen_page(request: HttpRequest, specimen_id: int) -> HttpResponse:
    specimen = get_object_or_404(_specimens(request.user), pk=specimen_id)
    site_id = specimen.participant.site_id
    bound: dict[str, Any] = {}
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action:
        require(request.user, Capability.HANDLE_SPECIMENS, site_id)
        if action not in FORMS:
            raise Http404
        form = _form(action, request.user, request.POST)
        bound[action] = form
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "aliquot":
                    made = services.derive_aliquots(
                        specimen,
                        specimen_type=data["specimen_type"],
                        count=data["count"],
                        quantity=data["quantity"],
                        unit=data["unit"],
                        processing_minutes=data["processing_minutes"],
                        actor=request.user,
                    )
                    done = gettext("Aliquots made: %(codes)s.") % {
                        "codes": ", ".join(a.barcode for a in made)
                    }
                elif action == "checkin":
                    row, column = data["position"]
                    placement = services.check_in(specimen, data["box"], row, column, request.user)
                    done = gettext("Checked in at %(box)s %(position)s.") % {
                        "box": placement.box,
                        "position": placement.position,
                    }
                elif action == "checkout":
                    services.check_out(specimen, data["out_reason"], request.user)
                    done = gettext("Checked out.")
                else:
                    services.record_fate(specimen, data["fate"], data["fate_reason"], request.user)
                    done = gettext("Fate recorded.")
            except services.BiobankRefused as exc:
                _refused(form, exc)
            else:
                messages.success(request, done)
                return redirect("biobank-specimen", specimen_id=specimen.pk)
    forms_ = {name: bound.get(name) or _form(name, request.user) for name in FORMS}
    return render(
        request,
        "biobank/specimen.html",
        {
            "specimen": specimen,
            "lineage": services.lineage(specimen),
            "tree": services.descendants(specimen),
            "placement": services.current_placement(specimen),
            "placements": specimen.placements.filter(voided_at__isnull=True).select_related(
                "box__rack__freezer", "checked_in_by", "checked_out_by"
            ),
            "shipped": services.shipped(specimen),
            "events": history(specimen),
            "may_handle": can(request.user, Capability.HANDLE_SPECIMENS, site_id),
            "forms": forms_,
            "scan": BarcodeForm(),
        },
    )


def label(request: HttpRequest, specimen_id: int) -> HttpResponse:
    """Printable labels of a specimen and its aliquots: Code 128 and the text."""
    specimen = get_object_or_404(_specimens(request.user), pk=specimen_id)
    labels = [specimen, *(s for _depth, s in services.descendants(specimen))]
    return render(
        request,
        "biobank/label.html",
        {
            "specimen": specimen,
            # The SVG is drawn by python-barcode from our own barcode text.
            "labels": [(s, mark_safe(barcode_svg(s.barcode))) for s in labels],
        },
    )


def storage(request: HttpRequest) -> HttpResponse:
    require(request.user, VIEW)
    freezers = visible(Freezer.objects.filter(voided_at__isnull=True), request.user, VIEW)
    racks = visible(Rack.objects.filter(voided_at__isnull=True), request.user, VIEW)
    boxes = visible(Box.objects.filter(voided_at__isnull=True), request.user, VIEW)
    sites = visible(
        Site.objects.filter(voided_at__isnull=True), request.user, Capability.HANDLE_SPECIMENS
    )
    handled = {
        "freezer": lambda data=None: FreezerForm(
            data, sites=sites, prefix="freezer", initial={"temperature_c": -80}
        ),
        "rack": lambda data=None: RackForm(
            data,
            freezers=visible(freezers, request.user, Capability.HANDLE_SPECIMENS),
            prefix="rack",
        ),
        "box": lambda data=None: BoxForm(
            data, racks=visible(racks, request.user, Capability.HANDLE_SPECIMENS), prefix="box"
        ),
    }
    bound: dict[str, Any] = {}
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action:
        require(request.user, Capability.HANDLE_SPECIMENS)
        if action not in handled:
            raise Http404
        form = handled[action](request.POST)
        bound[action] = form
        if form.is_valid():
            from django.db import IntegrityError, transaction

            from oncotrial.audit.services import save_record

            try:
                with transaction.atomic():
                    save_record(form.instance, actor=request.user)
            except IntegrityError:
                form.add_error("name", gettext("This name is already taken here."))
            else:
                messages.success(request, gettext("Saved."))
                return redirect("biobank-storage")
    return render(
        request,
        "biobank/storage.html",
        {
            "freezers": freezers.select_related("site").prefetch_related("racks__boxes"),
            "boxes": boxes,
            "may_handle": can(request.user, Capability.HANDLE_SPECIMENS),
            "forms": {name: bound.get(name) or make() for name, make in handled.items()},
        },
    )


def box_page(request: HttpRequest, box_id: int) -> HttpResponse:
    box = visible_or_404(
        Box.objects.select_related("rack__freezer__site"), request.user, VIEW, box_id
    )
    held = {
        (p.row, p.column): p
        for p in visible(
            box.placements.filter(checked_out_at__isnull=True, voided_at__isnull=True),
            request.user,
            VIEW,
        ).select_related("specimen")
    }
    from oncotrial.biobank.models import position_label

    grid = [
        [(position_label(r, c), held.get((r, c))) for c in range(1, box.columns + 1)]
        for r in range(1, box.rows + 1)
    ]
    return render(request, "biobank/box.html", {"box": box, "grid": grid})


def _shipments(user: Any) -> QuerySet[Shipment]:
    return visible(
        Shipment.objects.filter(voided_at__isnull=True).select_related("site"), user, VIEW
    )


def shipment_list(request: HttpRequest) -> HttpResponse:
    require(request.user, VIEW)
    sites = visible(
        Site.objects.filter(voided_at__isnull=True), request.user, Capability.HANDLE_SPECIMENS
    )
    form = ShipmentForm(sites=sites)
    if request.method == "POST":
        require(request.user, Capability.HANDLE_SPECIMENS)
        form = ShipmentForm(request.POST, sites=sites)
        if form.is_valid():
            from oncotrial.audit.services import save_record

            form.instance.created_by = request.user
            save_record(form.instance, actor=request.user)
            messages.success(request, gettext("Shipment %(ref)s opened.") % {"ref": form.instance})
            return redirect("biobank-shipment", shipment_id=form.instance.pk)
    return render(
        request,
        "biobank/shipments.html",
        {
            "shipments": _shipments(request.user),
            "form": form,
            "may_handle": can(request.user, Capability.HANDLE_SPECIMENS),
        },
    )


def shipment_page(request: HttpRequest, shipment_id: int) -> HttpResponse:
    shipment = get_object_or_404(_shipments(request.user), pk=shipment_id)
    zone = ZoneInfo(shipment.site.time_zone)
    add = BarcodeForm(prefix="add")
    receipt = ReceiptForm(zone=zone, prefix="receipt")
    problems: list[str] = []
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action:
        require(request.user, Capability.HANDLE_SPECIMENS, shipment.site_id)
        try:
            if action == "add":
                add = BarcodeForm(request.POST, prefix="add")
                if add.is_valid():
                    specimen = (
                        _specimens(request.user).filter(barcode=add.cleaned_data["barcode"]).first()
                    )
                    if specimen is None:
                        raise services.BiobankRefused(
                            gettext("No specimen with barcode %(code)s in your scope.")
                            % {"code": add.cleaned_data["barcode"]},
                            "barcode",
                        )
                    services.add_to_shipment(shipment, specimen, request.user)
                    messages.success(
                        request, gettext("%(code)s added.") % {"code": specimen.barcode}
                    )
                    return redirect("biobank-shipment", shipment_id=shipment.pk)
            elif action == "dispatch":
                services.dispatch(shipment, request.user)
                messages.success(request, gettext("Shipment dispatched."))
                return redirect("biobank-shipment", shipment_id=shipment.pk)
            elif action == "receipt":
                receipt = ReceiptForm(request.POST, zone=zone, prefix="receipt")
                if receipt.is_valid():
                    data = receipt.cleaned_data
                    services.confirm_receipt(
                        shipment,
                        data["received_at"],
                        data["received_by_name"],
                        data["receipt_note"],
                        request.user,
                    )
                    messages.success(request, gettext("Receipt confirmed."))
                    return redirect("biobank-shipment", shipment_id=shipment.pk)
            else:
                raise Http404
        except services.BiobankRefused as exc:
            if action == "add":
                _refused(add, exc)
            elif action == "receipt":
                _refused(receipt, exc)
            else:
                problems.append(str(exc.message))
    return render(
        request,
        "biobank/shipment.html",
        {
            "shipment": shipment,
            "items": services.items_of(shipment),
            "add": add,
            "receipt": receipt,
            "problems": problems,
            "may_handle": can(request.user, Capability.HANDLE_SPECIMENS, shipment.site_id),
        },
    )


def _manifest_title(shipment: Shipment) -> list[str]:
    return [
        gettext("Shipment manifest %(ref)s") % {"ref": shipment.reference},
        gettext("From %(site)s to %(lab)s, released for %(assay)s")
        % {
            "site": shipment.site.code,
            "lab": shipment.destination,
            "assay": shipment.get_assay_display(),
        },
    ]


def manifest_csv(request: HttpRequest, shipment_id: int) -> HttpResponse:
    shipment = get_object_or_404(_shipments(request.user), pk=shipment_id)
    rows = manifest.manifest_rows(services.items_of(shipment))
    response = HttpResponse(manifest.manifest_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{shipment.reference}.csv"'
    return response


def manifest_pdf(request: HttpRequest, shipment_id: int) -> HttpResponse:
    shipment = get_object_or_404(_shipments(request.user), pk=shipment_id)
    rows = manifest.manifest_rows(services.items_of(shipment))
    response = HttpResponse(
        manifest.manifest_pdf(_manifest_title(shipment), rows), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{shipment.reference}.pdf"'
    return response
