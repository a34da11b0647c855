"""Reads of account security, scoped to what the reader may manage."""

from __future__ import annotations

from typing import Any, cast

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone

from phieukin.accounts import permissions, scoping
from phieukin.accounts.models import ApiToken, Membership, Role, User


def managed_users(actor: User) -> QuerySet[User]:
    """Return the users wholly within the units the actor organises (superusers excluded)."""
    units = permissions.organised_units(actor)
    if not units:
        return User.objects.none()
    outside = Membership.objects.filter(user=OuterRef("pk")).exclude(unit_id__in=units)
    return (
        User.objects.filter(is_superuser=False, memberships__unit_id__in=units)
        .exclude(Exists(outside))
        .distinct()
        .order_by("username")
    )


def api_tokens_for(actor: User) -> QuerySet[ApiToken]:
    """Return the actor's own tokens and those of the users they manage, newest first."""
    return (
        ApiToken.objects.filter(Q(user=actor) | Q(user__in=managed_users(actor)))
        .select_related("user")
        .order_by("-created_at")
    )


def api_token_for(actor: User, pk: int) -> ApiToken | None:
    """Return one token the actor may see, or None."""
    return api_tokens_for(actor).filter(pk=pk).first()


def locked_sign_ins(actor: User) -> QuerySet[AccessAttempt]:
    """Return the sign-in lockouts in force that the actor may lift.

    Lockouts of unknown names or of a client are shown to every district organiser;
    those of a known account only to the organiser of its units.
    """
    if not permissions.is_district_organiser(actor):
        return AccessAttempt.objects.none()
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    known = User.objects.values_list("username", flat=True)
    mine = managed_users(actor).values_list("username", flat=True)
    return (
        AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
        )
        .filter(Q(username__in=mine) | ~Q(username__in=known) | Q(username__isnull=True))
        .order_by("-attempt_time")
    )


def committee_wards(actor: User) -> list[Any]:
    """Return the wards whose counting committee *actor* manages (as ward office or above).

    Only units where the actor holds the ward office or organiser role, and the units
    below them that have no children (wards), that exist today: a ward a reorganisation
    ended has no committee to manage (the unit's own ``is_valid_on`` decides, read by
    attribute since the units app sits above this one). Sorted by name.
    """
    unit_model = cast("type[Model]", Membership._meta.get_field("unit").related_model)
    reached = scoping.unit_ids_for(actor, roles=[Role.WARD_ORGANISER, Role.DISTRICT_ORGANISER])
    units = unit_model._default_manager.filter(pk__in=reached).exclude(
        pk__in=unit_model._default_manager.filter(parent_id__in=reached).values("parent_id")
    )
    today = timezone.localdate()
    current = [u for u in units if u.is_valid_on(today)]  # type: ignore[attr-defined]
    return sorted(current, key=lambda u: str(getattr(u, "name", "")))


def committee_ward(actor: User, unit_id: int) -> Any | None:
    """Return the ward *unit_id* if *actor* manages its counting committee today, else None."""
    return next((u for u in committee_wards(actor) if u.pk == unit_id), None)


def committee_members(actor: User, unit: Any) -> QuerySet[User]:
    """Return the active counting-committee accounts of *unit*, if *actor* manages it."""
    if not permissions.can_manage_committee(actor, unit):
        return User.objects.none()
    return User.objects.filter(
        memberships__unit=unit, memberships__role=Role.COUNTER, is_active=True
    ).order_by("username")
