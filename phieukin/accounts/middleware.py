"""Sign-in steps after the password: the second factor, then the user's own password.

A user who signed in with a password alone reaches no back-office page, the admin
included, until they give their second factor when it is required of them (enrolling
first if they have none), and until they set their own password when the account is new.
Public pages, the token-authenticated API, static files and the steps themselves stay
reachable.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from phieukin.accounts.twofactor import has_second_factor, is_verified, second_factor_required

# Namespaces that never need a signed-in back-office user.
OPEN_NAMESPACES = frozenset({"public", "api"})
# The pages of the sign-in steps (accounts namespace).
STEP_VIEWS = frozenset(
    {"login", "logout", "second_factor", "second_factor_setup", "password_change"}
)
SECOND_FACTOR_STEPS = frozenset({"login", "logout", "second_factor", "second_factor_setup"})


class SignInStepsMiddleware:
    """Redirect a signed-in user to the sign-in step they still owe."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        namespace = match.namespace if match else ""
        # Before the user is looked at: public pages and the API (voting among them) never
        # need the session's user, so they do not pay for loading it.
        if namespace in OPEN_NAMESPACES:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        url_name = match.url_name if match else ""
        step = namespace == "accounts" and url_name in STEP_VIEWS
        if second_factor_required(user) and not is_verified(user):
            if step and url_name in SECOND_FACTOR_STEPS:
                return None
            target = (
                "accounts:second_factor"
                if has_second_factor(user)
                else ("accounts:second_factor_setup")
            )
            return _redirect(target, request)
        if getattr(user, "must_change_password", False) and not step:
            return _redirect("accounts:password_change", request)
        return None


def _redirect(name: str, request: HttpRequest) -> HttpResponseRedirect:
    target = reverse(name)
    if request.method == "GET":
        target += "?" + urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(target)
