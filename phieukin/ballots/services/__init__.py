"""Writes of the secret-ballot core, one module per stage of a ballot's life.

Anonymity is enforced here, in one place (DESIGN.md §4): :mod:`.codes` makes and looks
up one-time codes; :mod:`.boxes` opens a box with its key shares, closes and reopens it;
:mod:`.casting` stores every sheet encrypted to the box's key, with no code, time or
sequence; :mod:`.sealing` rebuilds the key from the committee's shares, decrypts,
re-inserts in random order with fresh ids and scrubs the old copies;
:mod:`.verification` recomputes a sealed box. Every service authorizes its own action
through :func:`phieukin.accounts.access.authorize`. Reads live in
:mod:`phieukin.ballots.selectors`; the names most callers need are re-exported here.
"""

from phieukin.ballots.selectors import (
    BoxCounts,
    box_counts,
    canonical_ballots,
    seal_nonce,
    shapes_for,
)
from phieukin.ballots.services.boxes import (
    DEFAULT_MEMBERS,
    DEFAULT_THRESHOLD,
    BoxOpening,
    close_box,
    open_box,
    record_paper_counts,
    reopen_box,
)
from phieukin.ballots.services.casting import (
    BoxSpec,
    box_spec,
    cast_ballot,
    check_sheets,
    enter_paper_ballot,
    withdraw_paper_ballot,
)
from phieukin.ballots.services.codes import (
    MAX_CODES_PER_CALL,
    CodeInfo,
    generate_codes,
    lookup_code,
    void_codes,
)
from phieukin.ballots.services.common import (
    SheetInput,
    box_gate,
    code_digest,
    normalise_code,
    strip_control_characters,
)
from phieukin.ballots.services.sealing import (
    SCRUBBED_TABLES,
    SIGNED_MINUTES_MAX_BYTES,
    ScrubReport,
    attach_signed_minutes,
    recover_key,
    scrub_deleted_copies,
    scrub_sealed_boxes,
    seal_box,
)
from phieukin.ballots.services.verification import VerifyReport, verify_box

__all__ = [
    "DEFAULT_MEMBERS",
    "DEFAULT_THRESHOLD",
    "MAX_CODES_PER_CALL",
    "SCRUBBED_TABLES",
    "SIGNED_MINUTES_MAX_BYTES",
    "BoxCounts",
    "BoxOpening",
    "BoxSpec",
    "CodeInfo",
    "ScrubReport",
    "SheetInput",
    "VerifyReport",
    "attach_signed_minutes",
    "box_counts",
    "box_gate",
    "box_spec",
    "canonical_ballots",
    "cast_ballot",
    "check_sheets",
    "close_box",
    "code_digest",
    "enter_paper_ballot",
    "generate_codes",
    "lookup_code",
    "normalise_code",
    "open_box",
    "record_paper_counts",
    "recover_key",
    "reopen_box",
    "scrub_deleted_copies",
    "scrub_sealed_boxes",
    "seal_box",
    "seal_nonce",
    "shapes_for",
    "strip_control_characters",
    "verify_box",
    "void_codes",
    "withdraw_paper_ballot",
]
