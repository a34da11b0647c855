"""Configuration of the red-team tests (shared fixtures come from the root conftest.py)."""

from typing import Any


def pytest_configure(config: Any) -> None:
    """Register the markers of the red-team tests."""
    config.addinivalue_line(
        "markers", "configured_levels: capture logs at the levels of settings.LOGGING"
    )
