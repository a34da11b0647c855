"""Pages of the leaders' records: who may be looked up, one record, its export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from phieukin.accounts.access import AccessDenied
from phieukin.core.access import acting_user
from phieukin.records import selectors, services
from phieukin.units.models import Person


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """List the people whose record the user may open; a leader goes to their own."""
    user = acting_user(request)
    people = list(selectors.people_for(user))
    if len(people) == 1 and people[0].pk == user.person_id:
        return redirect("records:detail", person_id=people[0].pk)
    if not people:
        raise Http404
    return render(request, "records/index.html", {"people": people})


def _person(request: HttpRequest, person_id: int) -> Person:
    person = get_object_or_404(Person, pk=person_id)
    if not selectors.can_open(request.user, person):
        raise Http404  # the record's existence is not revealed either
    return person


@require_GET
@login_required
def detail(request: HttpRequest, person_id: int) -> HttpResponse:
    """Show every part of the record the user may read, across years."""
    user = acting_user(request)
    person = _person(request, person_id)
    try:
        record = selectors.record_for(user, person)
    except AccessDenied as exc:
        raise Http404 from exc
    if any(p.key == "feedback" for p in record.parts):
        services.note_report_openings(actor=user, person=person)
    return render(
        request,
        "records/detail.html",
        {"person": person, "record": record, "formats": tuple(services.FORMATS)},
    )


@require_GET
@login_required
def export(request: HttpRequest, person_id: int, fmt: str) -> HttpResponse:
    """Download the record (what the user sees of it) as PDF or DOCX."""
    user = acting_user(request)
    person = _person(request, person_id)
    if fmt not in services.FORMATS:
        raise Http404
    try:
        exported = services.export_record(actor=user, person=person, fmt=fmt)
    except AccessDenied as exc:
        raise Http404 from exc
    response = HttpResponse(exported.data, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    response["Cache-Control"] = "no-store"
    return response
