"""The contract of the OMR engine: what a read page says, and why a page is refused.

Pure: numpy only. Refusals and doubts are stable codes, translated outside the engine.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

ItemStatus = Literal["marked", "empty", "ambiguous"]

PAYLOAD_PREFIX = "PK1"
SERIAL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # RFC 4648 base32
SERIAL_LENGTH = 12  # 60 random bits per printed copy

REFUSAL_CODES = (
    "unreadable",  # the file or page is not an image
    "too_large",  # a page of more pixels than any scanner makes (refused before decoding)
    "bilevel",  # a 1-bit (black-and-white, fax) image: light pencil was lost
    "too_small",  # resolution below ~150 dpi
    "low_contrast",  # printed black barely darker than paper
    "no_markers",  # corner markers missing
    "no_qr",  # the QR cannot be decoded
    "bad_qr",  # the QR is not a phieukin ballot's
    "unknown_sheet",  # no layout for the QR's questionnaire
    "layout_mismatch",  # printed with another geometry than the layout known now
    "reader_failed",  # the reading process died on this page (see omr.worker)
)


class PageRefused(Exception):
    """A page cannot be read at all; ``reason`` is one of :data:`REFUSAL_CODES`.

    The engine is pure and speaks in codes; :mod:`phieukin.paper.labels` turns them
    into Vietnamese sentences that name the fix.
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason if reason in REFUSAL_CODES else "unreadable"
        self.detail = detail
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


SHEET_NUMBER_LENGTH = 6  # 30 bits of the serial: two copies of a box share one ~1 in 10^6


def sheet_number(serial: str) -> str:
    """Return the human-readable sheet number printed on every page of a copy.

    It is the start of the copy's random serial, grouped ``ABC-DEF``: double entry pairs
    the two typists' entries on it, and the review of a scanned copy shows it. Like the
    serial it says nothing about who filled the sheet (copies are handed out shuffled).
    """
    head = serial[:SHEET_NUMBER_LENGTH].upper()
    return f"{head[:3]}-{head[3:]}"


def new_serial() -> str:
    """Return a fresh random copy serial (12 base32 characters, 60 bits)."""
    return "".join(secrets.choice(SERIAL_ALPHABET) for _ in range(SERIAL_LENGTH))


@dataclass(frozen=True)
class ItemReading:
    """How one item of a page was read.

    ``option_index`` is the index of the option in the item's scale order (as in
    ``ballots.sheet``) when ``status == "marked"``, else None. ``fills`` holds the ink
    share of each option's box holding plain ink (0–1). ``reason`` is empty for a clear
    reading and names the doubt otherwise (``several_marks``, ``faint_mark``,
    ``mark_outside_box``, ``box_not_found``, ``correction``, ``uneven_light``, ``smudge``,
    ``erased``, ``box_bent``).
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
    page_image: np.ndarray | None = None  # the whole page on the canonical raster

    @property
    def needs_review(self) -> bool:
        """Return True when at least one item is ambiguous."""
        return any(r.status == "ambiguous" for r in self.items)
