"""Who opens a round's reports and their access log."""

from __future__ import annotations

from typing import Any

from phieukin.accounts import permissions
from phieukin.accounts.access import rule


@rule("report.view_summary")
def view_summary(actor: Any, round: Any) -> bool:
    """The organiser always; the Standing Committee once the round is published."""
    return permissions.can_open_summary(actor, round)


@rule("report.view_ward")
def view_ward_results(actor: Any, conference: Any) -> bool:
    """Summary readers; once published, the ward's own office for its own ward."""
    return permissions.can_open_ward_results(actor, conference)


@rule("report.view_leader")
def view_leader_report(actor: Any, subject: Any) -> bool:
    """The organiser always; once published the Standing Committee and the leader themself."""
    return permissions.can_open_leader_report(actor, subject)


@rule("report.view_access_log")
def view_access_log(actor: Any, round: Any) -> bool:
    """The organiser reads who opened which report."""
    return permissions.can_view_report_log(actor, round)
