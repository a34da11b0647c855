"""The ballot core's part of the demo: boxes opened with their key shares written out.

A real committee receives its share slips on paper when a box opens; the demo has nobody
to hand them to, so it writes each opened box's slips (PDF) and typed shares (one a
line, the form ``seal_box --shares-file`` reads) under ``var/demo/`` and returns lines
for ``seed_demo`` to print next to the demo codes.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

from phieukin.ballots import documents
from phieukin.ballots.services import BoxOpening, open_box
from phieukin.rounds.models import BallotBox

if TYPE_CHECKING:
    from phieukin.accounts.models import User


def shares_dir() -> Path:
    """Return the folder where the demo writes the share slips."""
    return Path(settings.VAR_DIR) / "demo"


def open_with_slips(*, actor: User | None, box: BallotBox) -> tuple[BoxOpening, list[str]]:
    """Open *box* and write its share slips; return the opening and lines to print."""
    opening = open_box(actor=actor, box=box)
    folder = shares_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"shares-box-{box.pk}"
    pdf = documents.share_slips_pdf(
        opening.box,
        shares=opening.shares,
        threshold=opening.threshold,
        members=opening.members,
        fingerprint=opening.fingerprint,
    )
    stem.with_suffix(".pdf").write_bytes(pdf)
    stem.with_suffix(".txt").write_text(
        "".join(f"{share}\n" for share in opening.shares), encoding="utf-8"
    )
    lines = [
        f"Box {box.pk} ({box.conference.unit.name}): {opening.threshold} of "
        f"{opening.members} shares seal it; slips {stem}.pdf, "
        f"seal_box {box.pk} --shares-file {stem}.txt",
        *(f"  {share}" for share in opening.shares),
    ]
    return opening, lines
