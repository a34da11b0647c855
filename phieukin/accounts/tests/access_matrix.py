"""Permission matrix rows of the sign-in and account pages (see ``phieukin/testing/matrix.py``)."""

from typing import Any

from phieukin.testing.matrix import EVERYONE, LOGIN, SIGNED_IN, Row, rows

# Nothing has the id of the "missing" target: the signed-in user finds nothing to act on.
NOTHING: dict[str, Any] = {
    "target": "missing",
    "refused": 404,
    "methods": ("POST",),
    "not_served": ("GET",),
}

ROWS = [
    *rows("accounts:login", EVERYONE),
    # Signing out is a POST that ends on the sign-in page, whoever sends it.
    Row("accounts:logout", "GET", frozenset(), refused=405, anonymous=405),
    Row("accounts:logout", "POST", frozenset(), refused=LOGIN, anonymous=LOGIN),
    # Every signed-in user manages their own sign-in settings (accounts/rules/accounts.py).
    *rows("accounts:account", SIGNED_IN),
    *rows("accounts:second_factor", SIGNED_IN),
    *rows("accounts:second_factor_setup", SIGNED_IN),
    *rows("accounts:password_change", SIGNED_IN),
    *rows("accounts:api_tokens", SIGNED_IN),
    # Only the district organiser opens the sign-in security page.
    *rows("accounts:security", {"district_organiser"}),
    # The ward office (and the organisers above it) manage their counting committee's
    # accounts; nobody else has a ward to manage, so the page is not there for them.
    *rows(
        "accounts:committee",
        {"district_organiser", "ward_organiser", "outsider"},
        refused=404,
        data={"ward": "0", "username": "", "full_name": ""},
    ),
    # Removing acts on a member of the first ward; none has this id.
    *rows(
        "accounts:committee_remove",
        set(),
        target="committee_member_missing",
        refused=404,
        absent_ok=True,
    ),
    # Revoking, unlocking and resetting act on an object the user may see; none has this id.
    *rows("accounts:revoke_api_token", set(), **NOTHING),
    *rows("accounts:unlock_sign_in", set(), **NOTHING),
    *rows("accounts:reset_second_factor", set(), **NOTHING),
]
