"""Make the product's shared fixtures (district, personas, rounds) visible under tests/."""

from typing import Any

pytest_plugins = ["phieukin.conftest"]


def pytest_configure(config: Any) -> None:
    """Register the markers of the red-team tests."""
    config.addinivalue_line(
        "markers", "configured_levels: capture logs at the levels of settings.LOGGING"
    )
