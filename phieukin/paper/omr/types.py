"""The contract of the OMR engine: what a read page says, and why a page is refused.

Pure: numpy only (and Django's lazy gettext for the refusal messages, which are
translated when shown, so nothing here needs settings at import time).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from django.utils.translation import gettext_lazy as _

ItemStatus = Literal["marked", "empty", "ambiguous"]

PAYLOAD_PREFIX = "PK1"
SERIAL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # RFC 4648 base32
SERIAL_LENGTH = 12  # 60 random bits per printed copy

_REFUSALS: dict[str, Any] = {
    "unreadable": _("The file or page cannot be read as an image."),
    "no_markers": _(
        "The corner markers of the ballot were not found; scan the whole page, flat and in focus."
    ),
    "no_qr": _("The QR code of the ballot cannot be read; scan it again or enter it by keyboard."),
    "bad_qr": _("The QR code is not the code of a phieukin ballot."),
    "unknown_sheet": _("This page does not belong to any known ballot layout."),
    "layout_mismatch": _(
        "This page was printed with another layout of the form than the one known now; "
        "enter it by keyboard."
    ),
    "too_small": _("The image resolution is too low; scan at 150 dpi or more."),
}


class PageRefused(Exception):
    """A page cannot be read at all; ``reason`` is a stable code, ``message`` is translatable.

    Reasons: ``unreadable`` (not an image), ``no_markers`` (corner markers missing),
    ``no_qr`` (QR not decodable), ``bad_qr`` (QR is not ours or malformed),
    ``unknown_sheet`` (no layout for this QR), ``layout_mismatch`` (the page was printed
    from a different geometry than the layout given now, e.g. after a software update),
    ``too_small`` (resolution too low).
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        self.message = _REFUSALS.get(reason, _REFUSALS["unreadable"])
        super().__init__(f"{reason}: {detail}" if detail else reason)


@dataclass(frozen=True)
class SheetId:
    """What a ballot page's QR names: never anything about the respondent.

    ``serial`` is random per printed copy (all pages of one copy share it), so pages of
    one copy can be put together and a page scanned twice can be recognised.
    """

    round_id: int
    box_id: int
    subject_id: int
    questionnaire_code: str
    questionnaire_version: int
    page: int
    page_count: int
    serial: str
    layout: str = ""  # fingerprint of the printed geometry (8 hex digits)

    def payload(self) -> str:
        """Return the QR text.

        E.g. ``PK1|r=12|b=34|s=56|q=neu-guong-21:1|p=1/2|n=ABCDEFGHJKMN|l=0f3a9c21``.
        """
        return (
            f"{PAYLOAD_PREFIX}|r={self.round_id}|b={self.box_id}|s={self.subject_id}"
            f"|q={self.questionnaire_code}:{self.questionnaire_version}"
            f"|p={self.page}/{self.page_count}|n={self.serial}|l={self.layout}"
        )


_PAYLOAD = re.compile(
    r"^PK1\|r=(?P<r>[1-9][0-9]{0,17})\|b=(?P<b>[1-9][0-9]{0,17})\|s=(?P<s>[1-9][0-9]{0,17})"
    r"\|q=(?P<q>[a-z0-9][a-z0-9_.-]{0,79}):(?P<v>[1-9][0-9]{0,5})"
    r"\|p=(?P<p>[1-9][0-9]?)/(?P<n>[1-9][0-9]?)\|n=(?P<serial>[A-Z2-7]{12})"
    r"\|l=(?P<layout>[0-9a-f]{8})$"
)


def parse_sheet_id(text: str) -> SheetId:
    """Parse a QR payload into a :class:`SheetId` or raise ``PageRefused("bad_qr")``."""
    match = _PAYLOAD.match(text.strip())
    if not match:
        raise PageRefused("bad_qr", text[:80])
    page, count = int(match["p"]), int(match["n"])
    if page > count:
        raise PageRefused("bad_qr", text[:80])
    return SheetId(
        round_id=int(match["r"]),
        box_id=int(match["b"]),
        subject_id=int(match["s"]),
        questionnaire_code=match["q"],
        questionnaire_version=int(match["v"]),
        page=page,
        page_count=count,
        serial=match["serial"],
        layout=match["layout"],
    )


def new_serial() -> str:
    """Return a fresh random copy serial (12 base32 characters, 60 bits)."""
    return "".join(secrets.choice(SERIAL_ALPHABET) for _ in range(SERIAL_LENGTH))


@dataclass(frozen=True)
class ItemReading:
    """How one item of a page was read.

    ``option_index`` is the index of the option in the item's scale order (as in
    ``ballots.sheet``) when ``status == "marked"``, else None. ``fills`` holds the ink
    ratio measured inside each option's box (0–1). ``reason`` is empty for a clear
    reading and names the doubt otherwise (``several_marks``, ``faint_mark``,
    ``mark_outside_box``, ``box_not_found``, ``correction``).
    """

    item_key: str
    status: ItemStatus
    option_index: int | None
    fills: tuple[float, ...]
    reason: str = ""


@dataclass
class PageReading:
    """Everything read from one page; images are grayscale uint8 in page orientation.

    ``comment_crop`` is the comment area (None on a page without one), for transcription
    by the committee; ``item_crops`` maps each item key to the image of its row, for the
    review queue. ``blank`` is True when no box and no comment holds ink. ``problems``
    lists page-level doubts (e.g. ``three_markers``) that H4 may show to the reviewer.
    """

    sheet: SheetId
    items: list[ItemReading]
    comment_crop: np.ndarray | None
    item_crops: dict[str, np.ndarray] = field(default_factory=dict)
    blank: bool = False
    problems: list[str] = field(default_factory=list)
    comment_has_ink: bool = False

    @property
    def needs_review(self) -> bool:
        """Return True when at least one item is ambiguous."""
        return any(r.status == "ambiguous" for r in self.items)
