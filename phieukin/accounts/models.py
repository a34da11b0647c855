"""Users, their roles in units, and API tokens."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. Roles come from memberships, not from Django groups."""

    full_name = models.CharField(_("full name"), max_length=128, blank=True)
    person = models.OneToOneField(
        "units.Person",
        verbose_name=_("leader record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
        help_text=_("For evaluated leaders: the person whose reports this user may read."),
    )
    must_change_password = models.BooleanField(
        _("must set own password"),
        default=False,
        help_text=_("Ask for a new password at the next sign-in (set for new accounts)."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    DISTRICT_ORGANISER = "district_organiser", _("District organiser")
    WARD_ORGANISER = "ward_organiser", _("Ward organiser")
    COUNTER = "counter", _("Counting committee member")
    LEADER = "leader", _("Evaluated leader")
    STANDING_COMMITTEE = "standing_committee", _("Standing Committee")
    SUPERVISOR = "supervisor", _("Fatherland Front supervisor")


class Membership(models.Model):
    """A user's role in a unit; the role reaches the unit and every unit below it."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"


def _default_token_expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=settings.PHIEUKIN_API_TOKEN_DAYS)


class ApiToken(models.Model):
    """A bearer token for the admin API; only its SHA-256 digest is stored."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), default=_default_token_expiry)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @property
    def is_active(self) -> bool:
        """Return whether the token still authenticates (not revoked, not expired)."""
        return self.revoked_at is None and self.expires_at > timezone.now()
