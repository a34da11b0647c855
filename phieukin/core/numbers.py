"""Bounds of the numbers people type: counts of people and ballots.

A form or an API schema refuses a count above :data:`MAX_COUNT` with a clear message;
without a bound, a number ≥ 2⁶³ would reach the database and fail there.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from phieukin.core.errors import DomainError

MAX_COUNT = 1_000_000


def check_count(value: int | None) -> None:
    """Refuse a count outside 0 … :data:`MAX_COUNT` (None: not known yet, accepted)."""
    if value is not None and not 0 <= value <= MAX_COUNT:
        raise DomainError(
            _("A count must be between 0 and %(max)s.")
            % {"max": f"{MAX_COUNT:,}".replace(",", ".")},
            code="count_out_of_range",
        )
