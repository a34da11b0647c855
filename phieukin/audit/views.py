"""The audit log page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from phieukin.accounts.access import permits
from phieukin.audit.labels import action_label
from phieukin.audit.selectors import actions_for, events_for, units_for_filter
from phieukin.audit.services import verify_chain
from phieukin.core.access import require

PROBLEMS = {
    "broken link": _("a link between two events is broken"),
    "altered event": _("an event was altered after it was written"),
    "events removed from the end": _("events were removed from the end of the chain"),
}


@require(permits("audit.view"))
def event_list(request: HttpRequest) -> HttpResponse:
    """List audit events (50 a page), filtered by action and unit, with the chain status."""
    action = request.GET.get("action", "")
    unit_raw = request.GET.get("unit", "")
    unit_id = int(unit_raw) if unit_raw.isdigit() else None
    events = events_for(request.user, action=action, unit_id=unit_id)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    chain = verify_chain()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/event_list.html",
        {
            "page": page,
            "actions": sorted(
                ((a, action_label(a)) for a in actions_for(request.user)),
                key=lambda pair: pair[1],
            ),
            "units": units_for_filter(request.user),
            "action": action,
            "unit_id": unit_id,
            "chain": chain,
            "problem": PROBLEMS.get(chain.problem, chain.problem),
            "query": query.urlencode(),
        },
    )
