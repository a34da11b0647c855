"""What every write of the ballot core shares: locking a box, its state machine, codes'
keyed hashes, comment cleaning and the errors of a sheet."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils.translation import gettext as _

from phieukin.ballots import codes as codes_mod
from phieukin.ballots.boxkeys import comment_units
from phieukin.ballots.sheet import SheetError
from phieukin.core.errors import Conflict, DomainError
from phieukin.questionnaires.itemshape import ItemShape
from phieukin.rounds.lifecycle import BoxState, TransitionError, check_box
from phieukin.rounds.models import BallotBox


@dataclass(frozen=True)
class SheetInput:
    """One sheet of an online ballot: the answers about one leader."""

    subject_id: int
    answers: dict[str, str | None]
    comment: str = ""


def locked_box(box: BallotBox | int) -> BallotBox:
    """Return the box row locked for this transaction, with its conference and round."""
    pk = box.pk if isinstance(box, BallotBox) else box
    return (
        BallotBox.objects.select_for_update()
        .select_related("conference", "conference__round", "conference__unit")
        .get(pk=pk)
    )


def transition(box: BallotBox, action: str) -> BoxState:
    """Return the box's next state for *action*, or raise a Conflict naming its state."""
    try:
        return check_box(action, box.state)
    except TransitionError as exc:
        raise Conflict(
            _("The ballot box is %(state)s; this step is not possible now.")
            % {"state": box.get_state_display()},
            code="bad_box_state",
        ) from exc


_BOX_LOCK_CLASS = 0x706B  # advisory-lock namespace of ballot boxes ("pk")


def box_gate(box_id: int, *, exclusive: bool) -> None:
    """Take the box's transaction-scoped gate on PostgreSQL (no-op on SQLite).

    Casting holds it shared; closing and sealing hold it exclusive, so a ballot that
    passed the "box is open" check is committed before the box closes, and none arrives
    after. Advisory locks live in memory: unlike ``SELECT … FOR SHARE`` on the box row
    they write nothing to the table, so concurrent ballots do not queue on one tuple.
    On SQLite the IMMEDIATE transaction's database write lock already serialises this.
    """
    if connection.vendor != "postgresql":
        return
    sql, params = box_gate_sql(box_id, exclusive=exclusive)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def box_gate_sql(box_id: int, *, exclusive: bool) -> tuple[str, list[int]]:
    """Return the PostgreSQL statement that takes the box's gate (see :func:`box_gate`)."""
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    return f"SELECT {function}(%s, %s)", [_BOX_LOCK_CLASS, box_id]


def binding_cursor(db: Any = None, *, bare: bool = False) -> Any:
    """Return a cursor of the default PostgreSQL connection that binds on the server.

    Django's cursors bind parameters on the client: every call sends its statement as text
    with the values written in (a sheet's ciphertext as several kilobytes of hex), which
    the server parses and plans anew. This cursor sends the values apart, bytes as bytes,
    and psycopg prepares a statement on the server once a connection has run it five
    times (``prepare_threshold``), so the voting path's statements are parsed and planned
    once per connection. Wrapped like Django's own cursors (errors, query logging).

    *db* is the connection wrapper when the caller holds it already (see
    :func:`default_db`). With *bare*, the driver's own cursor is returned unless queries
    are being logged or an execute wrapper is installed (``DEBUG``, tests, the
    benchmark's count): Django's wrapper costs about 25 µs a statement on the voting path.
    The caller then runs it inside ``db.wrap_database_errors``, so that errors still come
    as Django's.
    """
    import psycopg

    if db is None:
        db = default_db()
    db.ensure_connection()
    db.validate_thread_sharing()
    raw = psycopg.Cursor(db.connection)
    if db.queries_logged:
        return db.make_debug_cursor(raw)
    if bare and not db.execute_wrappers:
        return raw
    return db.make_cursor(raw)


def default_db() -> Any:
    """Return this thread's wrapper of the default database connection.

    ``django.db.connection`` is a proxy that looks the wrapper up again on every attribute
    it is asked for (about 3 µs each); the voting path asks a dozen, so it looks the
    wrapper up once and keeps it for the call.
    """
    return connections[DEFAULT_DB_ALIAS]


def code_key() -> bytes:
    return str(settings.CODE_HASH_KEY).encode("utf-8")


def code_digest(code: str) -> str:
    """Return the stored keyed hash of a normalised code."""
    return codes_mod.keyed_digest(code, code_key())


def normalise_code(text: str) -> str:
    """Return the normalised code or raise a DomainError with a Vietnamese message."""
    try:
        return codes_mod.normalise(text)
    except codes_mod.CodeFormatError as exc:
        raise DomainError(
            _("The code is not valid; please check it again."), code="code_format"
        ) from exc


# The control characters (Unicode category Cc: U+0000–U+001F and U+007F–U+009F) other
# than tab and line feed, and the bidirectional embeddings, overrides and isolates
# (U+202A–U+202E, U+2066–U+2069), which can make a comment read differently from what it
# holds, and halves of UTF-16 surrogate pairs (U+D800–U+DFFF, which no encoding can write;
# the API refuses a body that spells one, this is the guard behind it). One expression:
# a per-character category lookup cost more than the rest of the comment's checks on the
# voting path.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def strip_control_characters(text: str) -> str:
    """Return *text* without control characters (other than line breaks and tabs) and
    without bidirectional controls."""
    return _CONTROLS.sub("", text)


def clean_comment(comment: str, limit: int) -> str:
    """Return the comment normalised (NFC, no control characters, trimmed) or refuse it.

    The limit counts UTF-16 code units, as a browser's ``maxlength`` does: a letter of
    Vietnamese (or any character but an emoji and other rare ones) is one, an emoji two.
    """
    text = strip_control_characters(unicodedata.normalize("NFC", comment or "")).strip()
    if comment_units(text) > limit:
        raise DomainError(
            _("The comment is too long (at most %(limit)s characters).") % {"limit": limit},
            code="comment_too_long",
        )
    return text


def sheet_error(exc: SheetError, shapes: Sequence[ItemShape] = ()) -> DomainError:
    """Return the Vietnamese DomainError for a sheet that does not fit the questionnaire.

    A question is named by its number on the ballot, never by its key; what the client
    sent is not echoed.
    """
    if exc.code == "unknown_item":
        return DomainError(
            _("The answers name a question that is not on this ballot."), code="unknown_item"
        )
    if exc.code == "unknown_option":
        keys = [shape.key for shape in shapes]
        if exc.item in keys:
            return DomainError(
                _("The answer to question number %(number)s is not one of its options.")
                % {"number": keys.index(exc.item) + 1},
                code="unknown_option",
            )
        return DomainError(
            _("An answer is not one of its question's options."), code="unknown_option"
        )
    return DomainError(_("The answers do not fit the ballot."), code="bad_answers")
