"""Screenshots of browser tests under ``var/screenshots/`` (ignored by git, kept by CI as an
artefact: the place to look at what each role saw)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def screenshot(page: Any, name: str) -> None:
    """Save the whole of a Playwright *page* as ``var/screenshots/<name>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
