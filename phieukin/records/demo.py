"""The records have no data of their own; print which parts each demo leader's record has."""

from __future__ import annotations

from typing import Any

from phieukin.accounts.models import User
from phieukin.records.parts import PARTS
from phieukin.records.selectors import people_for, record_for


def seed(*, stdout: Any) -> None:
    """Check that the Standing Committee's view of the demo records has every seeded part."""
    standing = User.objects.filter(username="thuongtruc").first()
    if standing is None:
        return
    leaders = User.objects.filter(person__isnull=False).select_related("person")
    seen = dict.fromkeys(PARTS.keys(), 0)
    for user in leaders:
        if user.person is None or not people_for(standing).filter(pk=user.person.pk).exists():
            continue
        for part in record_for(standing, user.person).parts:
            seen[part.key] += 1
    shown = ", ".join(f"{key} {n}" for key, n in seen.items())
    stdout.write(f"Records of the {leaders.count()} demo leaders, parts present: {shown}.")
