"""The paper side's services, in one import: keyboard entry and printing
(:mod:`phieukin.paper.entry`), scans and their review (:mod:`phieukin.paper.scanning`),
scan files (:mod:`phieukin.paper.images`).

Every service asks :func:`phieukin.accounts.access.authorize` for its own action (the
rules are in ``phieukin/accounts/rules/paper.py``).
"""

from __future__ import annotations

from phieukin.paper.entry import (
    MAX_COPIES,
    UNDO_MAX_AGE,
    EntryOutcome,
    LastEntry,
    clean_comment,
    discard_pending_entry,
    double_entry_enabled,
    enter_typed_sheet,
    keys_error,
    print_ballots,
    read_undo_token,
    resolve_entry,
    set_double_entry,
    set_spot_check,
    spot_check_percent,
    store_sheet,
    undo_last_entry,
    undo_token,
)
from phieukin.paper.images import MAX_SCAN_BYTES, SCAN_EXTENSIONS, Upload
from phieukin.paper.scanning import (
    DOUBLE_KEY,
    DOUBLE_MARK,
    NO_ANSWER,
    process_batch,
    review_reading,
    sheet_digest,
    upload_scans,
)

__all__ = [
    "DOUBLE_KEY",
    "DOUBLE_MARK",
    "MAX_COPIES",
    "MAX_SCAN_BYTES",
    "NO_ANSWER",
    "SCAN_EXTENSIONS",
    "UNDO_MAX_AGE",
    "EntryOutcome",
    "LastEntry",
    "Upload",
    "clean_comment",
    "discard_pending_entry",
    "double_entry_enabled",
    "enter_typed_sheet",
    "keys_error",
    "print_ballots",
    "process_batch",
    "read_undo_token",
    "resolve_entry",
    "review_reading",
    "set_double_entry",
    "set_spot_check",
    "sheet_digest",
    "spot_check_percent",
    "store_sheet",
    "undo_last_entry",
    "undo_token",
    "upload_scans",
]
