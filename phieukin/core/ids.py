"""Random identifiers that reveal nothing about creation order."""

from __future__ import annotations

import secrets

_MAX_ID = 2**62


def random_id() -> int:
    """Return a random positive 62-bit integer usable as a primary key.

    In SQLite an integer primary key is the rowid, so a random key also makes the
    table's physical order random: it never follows insertion order.
    """
    return secrets.randbelow(_MAX_ID - 1) + 1
