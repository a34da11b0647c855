"""Pages of units and leaders."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from phieukin.accounts.access import AccessDenied, can, permits
from phieukin.core.access import acting_user, require
from phieukin.core.errors import DomainError
from phieukin.core.uploads import UploadRefused, upload_limit
from phieukin.units.forms import AppointForm, MapDateForm, UnitListUploadForm
from phieukin.units.selectors import (
    appointable_positions,
    map_for,
    people_for,
    positions_for,
    reorganisations_for,
)
from phieukin.units.services import (
    UNIT_LIST_MAX_BYTES,
    UnitImportError,
    appoint_person,
    import_units,
)


@require(permits("unit.view"))
def unit_list(request: HttpRequest) -> HttpResponse:
    """Show the map of units the user sees on a date (today by default) and its changes."""
    form = MapDateForm(request.GET or None)
    day = timezone.localdate()
    if form.is_valid() and form.cleaned_data["on"]:
        day = form.cleaned_data["on"]
    return render(
        request,
        "units/unit_list.html",
        {
            "tree": map_for(request.user, day),
            "day": day,
            "form": form,
            "reorganisations": reorganisations_for(request.user),
            "can_import": can(request.user, "unit.import"),
        },
    )


@upload_limit(UNIT_LIST_MAX_BYTES + 64 * 1024)
@require(permits("unit.import"))
def unit_import(request: HttpRequest) -> HttpResponse:
    """Import a list of units from XLSX or CSV; show every error with its line.

    A file of another kind (by its content) or too large answers 415 or 413 with the page
    and its message; a body above the limit is refused before it is read.
    """
    form = UnitListUploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_units(
                actor=acting_user(request), data=upload.read(), filename=upload.name
            )
        except UnitImportError as exc:
            form.add_error(None, exc.message)
            errors = [str(e) for e in exc.errors]
        except AccessDenied as exc:
            raise PermissionDenied from exc
        except UploadRefused as exc:
            form.add_error("file", exc.message)
            status = exc.status
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("%(created)s units created, %(updated)s updated.")
                % {"created": len(result.created), "updated": len(result.updated)},
            )
            return redirect("units:list")
    return render(
        request, "units/unit_import.html", {"form": form, "errors": errors}, status=status
    )


@require(permits("unit.view"))
def leader_list(request: HttpRequest) -> HttpResponse:
    """List positions per ward with their holders; appoint a holder (district organiser)."""
    positions = appointable_positions(request.user)
    form = None
    if positions.exists():
        form = AppointForm(
            request.POST or None, positions=positions, people=people_for(request.user)
        )
    if request.method == "POST":
        if form is None:  # nothing the user may appoint to
            raise PermissionDenied
        if form.is_valid():
            position = form.cleaned_data["position"]
            try:
                tenure = appoint_person(
                    actor=acting_user(request),
                    position=position,
                    person=form.cleaned_data["person"],
                    full_name=form.cleaned_data["full_name"] or "",
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                )
            except AccessDenied as exc:
                raise PermissionDenied from exc
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("%(person)s now holds the post %(position)s.")
                    % {"person": tenure.person, "position": tenure.position},
                )
                return redirect("units:leaders")
    rows = positions_for(request.user)
    return render(request, "units/leader_list.html", {"rows": rows, "form": form})
