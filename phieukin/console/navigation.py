"""Template context shared by every back-office page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from phieukin.accounts import permissions
from phieukin.accounts.scoping import roles_of
from phieukin.followup.selectors import uses_followup


@dataclass(frozen=True)
class NavItem:
    """One entry of the navigation bar."""

    url: str
    label: str
    active: bool


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Expose the product name, the user's roles and the menu their roles may use."""
    user = getattr(request, "user", None)
    roles: set[str] = set()
    items: list[NavItem] = []
    back_office = False
    if user is not None and user.is_authenticated:
        roles = roles_of(user)
        entries: list[tuple[str, Any]] = [("console:dashboard", _("Dashboard"))]
        back_office = permissions.is_back_office(user)
        if back_office or permissions.is_leader(user):
            entries.append(("rounds:list", _("Rounds")))
        if back_office:
            entries += [
                ("ballots:list", _("Ballot boxes")),
                ("units:list", _("Units")),
                ("units:leaders", _("Leaders")),
                ("questionnaires:list", _("Questionnaires")),
            ]
        if back_office or permissions.is_leader(user):
            entries.append(("reports:index", _("Reports")))
        if back_office or permissions.is_leader(user):
            entries.append(("criteria:index", _("Criteria")))
        if back_office:
            entries.append(("recognition:index", _("Recognition")))
        if back_office or permissions.is_leader(user):
            entries.append(("records:index", _("Records")))
        if uses_followup(user):
            entries.append(("followup:index", _("Follow-through")))
        if back_office:
            entries.append(("selfcheck:index", _("Directive 24 self-check")))
        if back_office or permissions.is_leader(user):
            entries.append(("grading:index", _("Grading")))
        if permissions.can_view_audit(user):
            entries.append(("audit:events", _("Audit log")))
        path = request.path
        for name, label in entries:
            url = reverse(name)
            active = path == url if url == "/" else path.startswith(url)
            items.append(NavItem(url=url, label=str(label), active=active))
    return {
        "product_name": "phieukin",
        "user_roles": roles,
        "nav_items": items,
        "is_back_office": back_office,
    }
