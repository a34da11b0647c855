"""Fixtures of the public pages (the ballot fixtures are shared)."""

from phieukin.ballots.tests.conftest import box_codes, open_box_, sheets

__all__ = ["box_codes", "open_box_", "sheets"]
