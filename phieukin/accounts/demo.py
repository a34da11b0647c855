"""The demo's second factor: every demo user shares one printed TOTP key and backup codes.

Only for the demonstration (``seed_demo``): the key and the codes are public, printed by
``seed_demo`` and written in the README, so that ``make run`` still lets a newcomer in.
``manage.py demo_totp`` prints the current code of the demo key.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable

from django_otp.oath import totp

from phieukin.accounts.models import User
from phieukin.accounts.services import enrol_known_second_factor

# 20 bytes, shown to people in base32 (what authenticator apps take).
DEMO_TOTP_KEY_HEX = "7068696575b96e2d64656d6f2d6b65792d323032"
DEMO_BACKUP_CODES = ["demo1111", "demo2222", "demo3333", "demo4444", "demo5555"]


def demo_totp_secret() -> str:
    """Return the demo key in base32, as an authenticator app takes it."""
    return base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY_HEX)).decode("ascii")


def current_demo_code() -> str:
    """Return the TOTP code of the demo key for the current 30-second step."""
    return f"{totp(bytes.fromhex(DEMO_TOTP_KEY_HEX)):06d}"


def enrol_demo_users(users: Iterable[User]) -> None:
    """Enrol each demo user with the demo key and backup codes (used codes come back)."""
    for user in users:
        enrol_known_second_factor(
            user=user, key_hex=DEMO_TOTP_KEY_HEX, backup_codes=DEMO_BACKUP_CODES
        )


def demo_second_factor_lines() -> list[str]:
    """Return the lines ``seed_demo`` prints about the demo's second factor."""
    return [
        f"Second factor of every demo user: TOTP key {demo_totp_secret()} "
        "(add it to an authenticator app, or run `manage.py demo_totp`),",
        f"  or a backup code: {', '.join(DEMO_BACKUP_CODES)} (each works once per seed_demo).",
    ]
