"""Reads of account security, scoped to what the reader may manage."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from phieukin.accounts import permissions
from phieukin.accounts.models import ApiToken, Membership, User


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
