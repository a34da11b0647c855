"""The repository keeps its own promises: make targets exist, docs stand alone."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    path
    for pattern in ("phieukin/**/*.py", "phieukin/**/*.html", "docs/*.md", "*.md", "tests/**/*.py")
    for path in ROOT.glob(pattern)
    if "/migrations/" not in str(path)
]


def test_every_phony_make_target_has_a_rule() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    phony = re.search(r"^\.PHONY:(.*)$", makefile, re.M)
    assert phony is not None
    rules = set(re.findall(r"^([a-z][\w-]*):", makefile, re.M))
    assert set(phony.group(1).split()) <= rules


def test_nothing_points_outside_the_repository() -> None:
    outside = [str(p.relative_to(ROOT)) for p in SOURCES if "/" + "work/" in p.read_text("utf-8")]
    assert outside == []


def test_every_cited_design_document_is_in_the_repository() -> None:
    cited = re.compile(r"(?<![\w-])([A-Z][A-Z-]*\.md)\b")
    missing = sorted(
        f"{path.relative_to(ROOT)}: {name}"
        for path in SOURCES
        for name in set(cited.findall(path.read_text("utf-8")))
        if not (ROOT / name).exists() and not (ROOT / "docs" / name).exists()
    )
    assert missing == []
