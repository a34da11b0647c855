"""Vietnamese number formatting for reports (pure): decimal comma, "—" never a zero.

A suppressed figure is printed with :data:`SUPPRESSED_MARK`, so that no format shows a
number the engine withheld.
"""

from __future__ import annotations

SUPPRESSED_MARK = "(*)"


def number(value: float | None, digits: int = 2) -> str:
    """Return *value* with a decimal comma ("3,25"), or the suppressed mark."""
    if value is None:
        return SUPPRESSED_MARK
    return f"{value:.{digits}f}".replace(".", ",")


def count(value: int | None) -> str:
    """Return a whole count with "." as thousands separator ("1.234")."""
    if value is None:
        return SUPPRESSED_MARK
    return f"{value:,}".replace(",", ".")


def percent(share: float | None, digits: int = 1) -> str:
    """Return a share (0–1) as a percentage with a decimal comma ("85,0 %")."""
    if share is None:
        return SUPPRESSED_MARK
    # A no-break space keeps "85,0 %" on one line in narrow table cells.
    return f"{100 * share:.{digits}f}".replace(".", ",") + "\u00a0%"
