"""Who reads the audit log."""

from __future__ import annotations

from typing import Any

from phieukin.accounts import permissions
from phieukin.accounts.access import rule


@rule("audit.view")
def view_audit(actor: Any, obj: Any) -> bool:
    """The district organiser and the Standing Committee read the audit log."""
    return permissions.can_view_audit(actor)
