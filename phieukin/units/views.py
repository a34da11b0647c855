"""Pages of units and leaders."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from phieukin.accounts.access import AccessDenied, permits
from phieukin.core.access import acting_user, require
from phieukin.core.errors import DomainError
from phieukin.units.forms import AppointForm
from phieukin.units.selectors import appointable_positions, people_for, positions_for, unit_tree
from phieukin.units.services import appoint_person


@require(permits("unit.view"))
def unit_list(request: HttpRequest) -> HttpResponse:
    """Show the tree of units the user sees."""
    return render(request, "units/unit_list.html", {"tree": unit_tree(request.user)})


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
