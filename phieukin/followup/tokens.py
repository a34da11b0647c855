"""Signed, timed form tokens for citizen feedback (no account, no third-party service).

The public page (and the public API) hands out a token bound to one plan; a submission
must bring it back unaltered and within its lifetime. Together with the honeypot field
and the per-client rate limit this keeps simple bots out.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing

SALT = "phieukin.followup.feedback"


def max_age() -> int:
    """Return how long a form token is valid, in seconds (two hours unless configured)."""
    return int(getattr(settings, "PHIEUKIN_FEEDBACK_TOKEN_MAX_AGE", 7200))


def feedback_token(plan_id: int) -> str:
    """Return a fresh token allowing one feedback form on plan *plan_id*."""
    return signing.TimestampSigner(salt=SALT).sign(str(plan_id))


def token_is_valid(token: str, plan_id: int) -> bool:
    """Return whether *token* was issued for *plan_id* and has not expired."""
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(token, max_age=max_age())
    except signing.BadSignature:  # also SignatureExpired
        return False
    return value == str(plan_id)
