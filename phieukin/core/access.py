"""View decorators that turn permission predicates into HTTP answers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

if TYPE_CHECKING:  # for the annotation only: core imports no app at run time
    from phieukin.accounts.models import User


def require(
    predicate: Callable[[Any], bool],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Send anonymous users to the login page and answer 403 when *predicate* is false."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


def acting_user(request: HttpRequest) -> User:
    """Return the signed-in user of a request that passed :func:`require`."""
    user = request.user
    if not isinstance(user, get_user_model()):
        raise PermissionDenied
    return cast("User", user)


def deny_unless(allowed: bool) -> None:
    """Raise PermissionDenied (HTTP 403) unless *allowed*."""
    if not allowed:
        raise PermissionDenied
