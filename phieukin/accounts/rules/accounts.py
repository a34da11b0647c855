"""Rules of accounts: second-factor resets, sign-in unlocks, API tokens, committee accounts."""

from __future__ import annotations

from typing import Any

from phieukin.accounts import permissions
from phieukin.accounts.access import rule


def user_in_scope(actor: Any, user: Any) -> bool:
    """Return whether *user* belongs wholly to units that *actor* organises.

    A user with no membership, a superuser, or one member of a unit outside the actor's
    reach is not in scope: only the operator (``manage.py``) or the admin handles them.
    """
    if user is None or getattr(user, "is_superuser", False):
        return False
    units = set(user.memberships.values_list("unit_id", flat=True))
    return bool(units) and units <= permissions.organised_units(actor)


@rule("account.reset_second_factor")
def reset_second_factor(actor: Any, user: Any) -> bool:
    """The district organiser resets the second factor of another user of their units."""
    return user.pk != actor.pk and user_in_scope(actor, user)


@rule("account.unlock")
def unlock(actor: Any, user: Any) -> bool:
    """The district organiser lifts a sign-in lockout (of a user of their units, if any)."""
    if not permissions.is_district_organiser(actor):
        return False
    return user is None or user_in_scope(actor, user)


@rule("account.manage_security")
def manage_security(actor: Any, obj: Any) -> bool:
    """The district organiser opens the sign-in security page."""
    return permissions.is_district_organiser(actor)


@rule("token.create")
def create_token(actor: Any, user: Any) -> bool:
    """A user creates API tokens for themselves only."""
    return bool(user.pk == actor.pk)


@rule("token.revoke")
def revoke_token(actor: Any, token: Any) -> bool:
    """The owner revokes a token; so does the district organiser of the owner's units."""
    return bool(token.user_id == actor.pk) or user_in_scope(actor, token.user)


@rule("committee.manage")
def manage_committee(actor: Any, unit: Any) -> bool:
    """The ward's office (or an organiser above it) adds and removes its counting committee."""
    return permissions.can_manage_committee(actor, unit)
