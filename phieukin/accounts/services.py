"""Writes of account security: second factor, password, sign-in unlocks, API tokens.

Each service authorizes its own action, runs in one transaction and writes an audit event
(never a secret: no password, no TOTP key, no backup code, no token).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from phieukin.accounts.access import authorize
from phieukin.accounts.models import ApiToken, Membership, Role, User
from phieukin.core.errors import DomainError
from phieukin.core.events import record_event

if TYPE_CHECKING:
    from phieukin.units.models import Unit

BACKUP_CODES = 10
MAX_TOKEN_DAYS = 365


# --- Second factor ---------------------------------------------------------------------


def start_totp_enrolment(*, actor: User) -> TOTPDevice:
    """Return the actor's unconfirmed authenticator device, creating it with a fresh key."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=actor, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(
                user=actor, name=str(_("Authenticator app")), confirmed=False
            )
    return device


def confirm_totp_enrolment(*, actor: User, token: str) -> list[str]:
    """Confirm the actor's new authenticator with a code from it; return fresh backup codes.

    The backup codes are shown once; only the static device keeps them (as django-otp
    stores them). Any earlier authenticator and backup codes of the actor are replaced.
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=False).first()
        if device is None or not device.verify_token(token.strip()):
            raise DomainError(
                _("The code from the authenticator app is not correct. Please try again."),
                code="second_factor_wrong",
            )
        TOTPDevice.objects.filter(user=actor, confirmed=True).delete()
        StaticDevice.objects.filter(user=actor).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_backup_codes(actor)
        record_event(actor=actor, action="accounts.second_factor_enrolled", obj=actor)
    return codes


def _new_backup_codes(user: User) -> list[str]:
    static = StaticDevice.objects.create(user=user, name=str(_("Backup codes")), confirmed=True)
    codes = [StaticToken.random_token() for _i in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


def reset_second_factor(*, actor: User, user: User) -> User:
    """Remove every second-factor device of *user*; they enrol again at the next sign-in."""
    authorize(actor, "account.reset_second_factor", user)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        record_event(actor=actor, action="accounts.second_factor_reset", obj=user)
    return user


def enrol_known_second_factor(*, user: User, key_hex: str, backup_codes: list[str]) -> None:
    """Give *user* a confirmed authenticator with a known key and known backup codes.

    For demonstrations and tests only (the demo prints its key; the test personas share
    one): the user's other devices are replaced, used backup codes are restored.
    """
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(key=key_hex).delete()
        TOTPDevice.objects.get_or_create(
            user=user,
            key=key_hex,
            defaults={"name": "demo", "confirmed": True, "tolerance": settings.OTP_TOTP_TOLERANCE},
        )
        static, _created = StaticDevice.objects.get_or_create(
            user=user, name="demo", defaults={"confirmed": True}
        )
        StaticDevice.objects.filter(user=user).exclude(pk=static.pk).delete()
        have = set(static.token_set.values_list("token", flat=True))
        StaticToken.objects.bulk_create(
            StaticToken(device=static, token=code) for code in backup_codes if code not in have
        )


# --- Password --------------------------------------------------------------------------


def change_own_password(*, actor: User, new_password: str) -> User:
    """Set the actor's password (already validated by the form) and clear the first-sign-in flag."""
    with transaction.atomic():
        actor.set_password(new_password)
        actor.must_change_password = False
        actor.save(update_fields=["password", "must_change_password"])
        record_event(actor=actor, action="accounts.password_changed", obj=actor)
    return actor


# --- Sign-in lockouts ------------------------------------------------------------------


def unlock_sign_in(*, actor: User | None, attempt: AccessAttempt) -> None:
    """Lift the lockout recorded by *attempt*: its account and its client may try again."""
    user = User.objects.filter(username=attempt.username).first() if attempt.username else None
    authorize(actor, "account.unlock", user)
    with transaction.atomic():
        AccessAttempt.objects.filter(username=attempt.username).delete()
        if attempt.ip_address:
            AccessAttempt.objects.filter(ip_address=attempt.ip_address).delete()
        record_event(
            actor=actor,
            action="accounts.sign_in_unlocked",
            obj=user,
            data={"username": attempt.username or ""},
        )


# --- API tokens ------------------------------------------------------------------------


def token_digest(token: str) -> str:
    """Return the stored digest of a plain token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def create_api_token(
    *, actor: User | None, user: User, name: str, days: int | None = None
) -> NewToken:
    """Create a bearer token for *user* that expires after *days*; return its secret once."""
    authorize(actor, "token.create", user)
    days = settings.PHIEUKIN_API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise DomainError(
            _("A token lives between 1 and %(max)s days.") % {"max": MAX_TOKEN_DAYS},
            code="token_lifetime",
        )
    name = name.strip()
    if not name or len(name) > 100:
        raise DomainError(_("Give the token a name of at most 100 characters."), code="token_name")
    secret = "pk_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            digest=token_digest(secret),
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        record_event(
            actor=actor,
            action="accounts.api_token_created",
            obj=token,
            data={"user": user.username, "expires_at": token.expires_at.isoformat()},
        )
    return NewToken(token=token, secret=secret)


def revoke_api_token(*, actor: User | None, token: ApiToken) -> ApiToken:
    """Revoke *token* at once (a revoked token never authenticates again)."""
    authorize(actor, "token.revoke", token)
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            record_event(
                actor=actor,
                action="accounts.api_token_revoked",
                obj=token,
                data={"user": token.user.username},
            )
    return token


# --- Counting-committee accounts of a ward -----------------------------------------------

READABLE_SYMBOLS = "abcdefghjkmnpqrstuvwxyz23456789"
TEMPORARY_PASSWORD_LENGTH = 16


@dataclass(frozen=True)
class NewMember:
    """A committee account just created, with the temporary password shown once."""

    user: User
    temporary_password: str


def _temporary_password() -> str:
    raw = "".join(secrets.choice(READABLE_SYMBOLS) for _i in range(TEMPORARY_PASSWORD_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, TEMPORARY_PASSWORD_LENGTH, 4))


def add_committee_member(
    *, actor: User | None, unit: Unit, username: str, full_name: str
) -> NewMember:
    """Create a counting-committee account of *unit* (a ward) and return it once.

    The ward's office or an organiser above it may do so. The account gets a random
    temporary password, to be handed over on paper; at its first sign-in it must set
    its own password and enrol its second factor (a counter always needs one). Audited
    (never the password).
    """
    username = username.strip()
    full_name = " ".join(full_name.split())
    if not username or len(username) > 150 or not full_name:
        raise DomainError(
            _("Give the member's sign-in name and full name."), code="committee_fields"
        )
    with transaction.atomic():
        authorize(actor, "committee.manage", unit)
        if not unit.is_valid_on(timezone.localdate()):
            raise DomainError(
                _("%(ward)s no longer exists since the reorganisation; it has no committee.")
                % {"ward": unit},
                code="ward_ended",
            )
        if User.objects.filter(username__iexact=username).exists():
            raise DomainError(
                _("The sign-in name %(name)s is taken; choose another.") % {"name": username},
                code="username_taken",
                status=409,
            )
        password = _temporary_password()
        user = User.objects.create_user(username=username, password=password, full_name=full_name)
        user.must_change_password = True
        user.save(update_fields=["must_change_password"])
        Membership.objects.create(user=user, unit=unit, role=Role.COUNTER)
        record_event(
            actor=actor,
            action="accounts.committee_member_added",
            obj=user,
            unit=unit,
            data={"username": user.username, "full_name": full_name},
        )
    return NewMember(user=user, temporary_password=password)


def remove_committee_member(*, actor: User | None, unit: Unit, user: User) -> User:
    """Take *user* off the counting committee of *unit*; audited.

    An account left without any role is deactivated (it can no longer sign in, and its
    API tokens are revoked); its history stays in the audit log.
    """
    with transaction.atomic():
        authorize(actor, "committee.manage", unit)
        deleted, _rows = Membership.objects.filter(user=user, unit=unit, role=Role.COUNTER).delete()
        if not deleted:
            raise DomainError(
                _("%(name)s is not on this ward's counting committee.") % {"name": user},
                code="not_a_member",
            )
        deactivated = not Membership.objects.filter(user=user).exists()
        if deactivated:
            user.is_active = False
            user.save(update_fields=["is_active"])
            ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )
        record_event(
            actor=actor,
            action="accounts.committee_member_removed",
            obj=user,
            unit=unit,
            data={"username": user.username, "deactivated": deactivated},
        )
    return user
