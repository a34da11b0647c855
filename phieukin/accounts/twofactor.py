"""Who needs a second factor, and whether a signed-in user has given it.

The second factor is a TOTP code from an authenticator app (django-otp's TOTP device) or
one of ten one-time backup codes (its static device). It is required of the district
organiser, the Standing Committee, the counting committee and every staff or superuser
account; for anyone else (leaders, ward organisers, supervisors) it is optional, and once
they enrol it is required of them too.
"""

from __future__ import annotations

from typing import Any

from django_otp import user_has_device

from phieukin.accounts.models import Role
from phieukin.accounts.scoping import roles_of

SECOND_FACTOR_ROLES = frozenset({Role.DISTRICT_ORGANISER, Role.STANDING_COMMITTEE, Role.COUNTER})


def second_factor_mandatory(user: Any) -> bool:
    """Return whether the user's roles or staff status make a second factor mandatory."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return bool(roles_of(user) & SECOND_FACTOR_ROLES)


def has_second_factor(user: Any) -> bool:
    """Return whether the user has a confirmed second-factor device."""
    return bool(getattr(user, "is_authenticated", False) and user_has_device(user, confirmed=True))


def second_factor_required(user: Any) -> bool:
    """Return whether the user must give a second factor before any back-office page."""
    return second_factor_mandatory(user) or has_second_factor(user)


def is_verified(user: Any) -> bool:
    """Return whether the user gave their second factor in this session."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())
