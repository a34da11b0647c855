"""Translated names of the OMR engine's codes: why a page was refused, why an item is doubtful.

The engine (:mod:`phieukin.paper.omr`) is pure and emits stable codes; the pages,
commands and the API show these sentences, each naming what to do about it.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

RESCAN = _("Scan again in greyscale mode, at least 150 dpi.")

REFUSALS: dict[str, Promise] = {
    "unreadable": _("The file or page cannot be read as an image."),
    "too_large": _(
        "The page is far larger than a ballot and was not opened; scan the ballot itself "
        "(A4, greyscale, 150–300 dpi)."
    ),
    "bilevel": _(
        "This is a black-and-white (1-bit) scan, in which light pencil marks are lost. "
        "Scan again in greyscale mode, at least 150 dpi."
    ),
    "too_small": _(
        "The image resolution is too low. Scan again in greyscale mode, at least 150 dpi."
    ),
    "low_contrast": _(
        "The scan is too pale: the print barely stands out from the paper. Scan again in "
        "greyscale mode, at least 150 dpi, without lightening the image."
    ),
    "no_markers": _(
        "The corner markers of the ballot were not found; scan the whole page, flat and in focus."
    ),
    "no_qr": _(
        "The QR code of the ballot cannot be read. Check that no corner of the sheet is "
        "folded over it and that it is not torn or soiled, then scan the sheet again in "
        "greyscale mode, at least 150 dpi, or enter it by keyboard."
    ),
    "bad_qr": _("The QR code is not the code of a phieukin ballot."),
    "unknown_sheet": _("This page does not belong to any known ballot layout."),
    "layout_mismatch": _(
        "This page was printed with another layout of the form than the one known now; "
        "enter it by keyboard."
    ),
    "reader_failed": _(
        "Reading this page failed (it needed too much memory); the other pages were read. "
        "Scan this page again on its own."
    ),
}

DOUBTS: dict[str, Promise] = {
    "several_marks": _("several boxes marked"),
    "correction": _("a box scribbled over and another marked (a correction?)"),
    "faint_mark": _("a faint or small mark"),
    "smudge": _("a grey smear over a box, not a stroke"),
    "erased": _("a mark rubbed out: grey left over the whole box"),
    "mark_outside_box": _("ink beside the boxes"),
    "box_not_found": _("boxes not visible"),
    "uneven_light": _("a shadow or uneven light across the boxes"),
    "box_bent": _("a box's printed border bent out of shape (a crumpled page)"),
    # asking.NO_MARK_FOUND: a row read as "no answer" on a copy a person checks anyway.
    "no_mark_found": _(
        "no mark found: look at this row on the paper sheet, a very light mark included"
    ),
}

PROBLEMS: dict[str, Promise] = {
    "three_markers": _("one corner marker was hidden"),
    "page_distorted": _("the page is bent or distorted"),
    "layout_mismatch": _("many boxes were not where the form puts them"),
}


def refusal_message(code: str) -> str:
    """Return the Vietnamese reason (and fix) for a refused page."""
    return str(REFUSALS.get(code, REFUSALS["unreadable"]))


def doubt_label(code: str) -> str:
    """Return the Vietnamese name of why an item went to review (empty when clear)."""
    return str(DOUBTS.get(code, code)) if code else ""


def problem_label(code: str) -> str:
    """Return the Vietnamese name of a page-level doubt."""
    return str(PROBLEMS.get(code, code))
