"""Permission matrix rows of the audit log page (accounts/rules/audit.py)."""

from phieukin.testing.matrix import rows

ROWS = [*rows("audit:events", {"district_organiser", "standing"})]
