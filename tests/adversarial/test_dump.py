"""Dump-level linkage: the adversary reads every table after a realistic session.

Every table of the database is read with raw SQL (also tables without a model: sessions,
many-to-many tables), every value turned into text, and searched for what would link a
person to a ballot: the plain codes, the receipts outside the receipts table, the
comment text outside the ballots table, a time written while people were voting, and
the committee member who typed paper sheets next to anything about a sheet.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from phieukin.accounts.models import User
from phieukin.ballots import services
from phieukin.ballots.models import Ballot, PendingBallot, PendingReceipt, Receipt, SealedCode
from phieukin.core.errors import DomainError
from phieukin.paper import services as paper
from phieukin.paper.models import PendingEntry
from phieukin.rounds.models import BallotBox, Subject
from phieukin.rounds.services import record_attendance
from tests.adversarial.conftest import full_sheets

pytestmark = pytest.mark.django_db


def receipts_in(html: str) -> list[str]:
    """Return the receipts shown on a page (``XXXX-XXXX-XXXX-XXXX``)."""
    return re.findall(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b", html)


def dump() -> Iterator[tuple[str, str, str]]:
    """Yield (table, column, value as text) for every cell of every table."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, memoryview):
                        value = bytes(value)
                    if isinstance(value, bytes):
                        yield table, column, value.decode("latin-1")
                        yield table, column, value.hex()
                    else:
                        yield table, column, str(value)


def _next_second() -> None:
    time.sleep(1.01 - timezone.now().microsecond / 1_000_000)


def web_form(box: BallotBox, code: str, option: int, comment: str) -> dict[str, str]:
    """Return the POST data of the voting form's final step."""
    data = {"code": code, "step": "submit"}
    for sheet in full_sheets(box, option, comment):
        data[f"c-{sheet.subject_id}"] = sheet.comment
        for item, value in sheet.answers.items():
            data[f"a-{sheet.subject_id}-{item}"] = value or ""
    return data


def _vote_and_type(
    box: BallotBox, typist: User, client: Any, *, windowed: bool = False
) -> dict[str, Any]:
    """Run a session (service, web form and API votes, typed sheets); return the secrets."""
    services.open_box(actor=None, box=box)
    codes = services.generate_codes(actor=None, box=box, count=10)
    record_attendance(actor=None, conference=box.conference, invited=12, present=11)
    # Audit times are kept to the second: start and end the window on second boundaries so
    # the administrative acts just before and after it stay outside.
    if windowed:
        _next_second()
    start = timezone.now()
    receipts: list[str] = []
    for n, code in enumerate(codes[:6]):
        receipts += services.cast_ballot(
            code=code, sheets=full_sheets(box, n, f"secret-comment-{n:02d}")
        )
    web = client.post(f"/v/{box.pk}/{codes[6]}/", web_form(box, codes[6], 1, "secret-comment-w"))
    assert web.status_code == 201
    receipts += [r for r in receipts_in(web.content.decode()) if r not in receipts]
    sheets = full_sheets(box, 2, "secret-comment-a")
    api = client.post(
        "/api/v1/ballots",
        {
            "code": codes[7].lower(),
            "sheets": [
                {"subject": str(s.subject_id), "answers": s.answers, "comment": s.comment}
                for s in sheets
            ],
        },
        content_type="application/json",
    )
    assert api.status_code == 201, api.content
    receipts += api.json()["receipts"]
    keys = "".join("2" for _ in services.shapes_for(box))
    for n in range(3):
        for subject in Subject.objects.filter(conference=box.conference):
            paper.enter_typed_sheet(
                actor=typist, box=box, subject=subject, keys=keys, comment=f"typed-comment-{n}"
            )
    end = timezone.now()
    if windowed:
        _next_second()
    services.record_paper_counts(actor=None, box=box, issued=3, returned=3)
    services.close_box(actor=typist, box=box)
    services.seal_box(actor=typist, box=box, acknowledge_mismatch=True)
    return {"codes": codes, "receipts": receipts, "start": start, "end": end}


@pytest.fixture
def dumped(box: BallotBox, counter: User, client: Any) -> dict[str, Any]:
    """Return the session's secrets and the dump taken after sealing."""
    secrets = _vote_and_type(box, counter, client)
    assert len(secrets["receipts"]) == 16  # 8 respondents, 2 leaders
    secrets["cells"] = list(dump())
    return secrets


def test_no_table_holds_a_plain_code(dumped: dict[str, Any]) -> None:
    spellings = set()
    for code in dumped["codes"]:
        spellings |= {code, code.replace("-", ""), code.lower(), code.replace("-", "").lower()}
    leaks = [(t, c) for t, c, v in dumped["cells"] for s in spellings if s in v]
    assert not leaks


def test_receipts_appear_only_in_the_receipts_table(dumped: dict[str, Any]) -> None:
    found = {(t, c) for t, c, v in dumped["cells"] for r in dumped["receipts"] if r in v}
    assert found == {("ballots_receipt", "value")}


def test_comments_appear_only_on_the_ballots(dumped: dict[str, Any]) -> None:
    """A comment is stored on its ballot, and, once the box is sealed, in the box's tally
    snapshot among the comments the tally released: one list per leader, in no ballot's
    order, with no ballot id next to it."""
    found = {
        (t, c) for t, c, v in dumped["cells"] if "secret-comment-" in v or "typed-comment-" in v
    }
    assert found == {("ballots_ballot", "comment"), ("tallying_tallysnapshot", "data")}
    snapshots = [v for t, c, v in dumped["cells"] if (t, c) == ("tallying_tallysnapshot", "data")]
    # Ballot ids are fresh random 63-bit numbers after sealing: long enough to search for.
    ballot_ids = {v for t, c, v in dumped["cells"] if (t, c) == ("ballots_ballot", "id")}
    assert ballot_ids and min(len(i) for i in ballot_ids) >= 12
    for data in snapshots:
        assert not any(ballot_id in data for ballot_id in ballot_ids)


def _as_time(text: str) -> dt.datetime | None:
    try:
        value = dt.datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


def test_nothing_records_a_time_while_people_vote_or_sheets_are_typed(
    box: BallotBox, counter: User, client: Any
) -> None:
    dumped = _vote_and_type(box, counter, client, windowed=True)
    cells = list(dump())
    start, end = dumped["start"], dumped["end"]
    stamped = [
        (t, c, v)
        for t, c, v in cells
        if (moment := _as_time(v)) is not None and start <= moment <= end
    ]
    assert not stamped
    assert any(_as_time(v) for _t, _c, v in cells)  # the parser does find times


def test_the_typist_is_recorded_only_for_administrative_acts(
    dumped: dict[str, Any], counter: User
) -> None:
    from phieukin.audit.models import AuditEvent

    actions = set(AuditEvent.objects.filter(actor=counter).values_list("action", flat=True))
    assert actions == {"box.close", "box.seal"}
    assert not PendingEntry.objects.exists()


def _columns(model: Any) -> set[str]:
    return {f.column for f in model._meta.get_fields() if hasattr(f, "column")}


def test_ballot_rows_hold_no_order_or_time_column() -> None:
    sealed = {"id", "box_id", "subject_id", "group_id", "source", "valid", "answers", "comment"}
    assert _columns(Ballot) == sealed
    assert _columns(PendingBallot) == sealed | {"ciphertext"}
    assert _columns(Receipt) == _columns(PendingReceipt) == {"id", "box_id", "value"}
    assert _columns(SealedCode) == {"id", "box_id", "digest", "group_id", "state"}


def test_a_box_with_a_half_entered_sheet_cannot_be_sealed(
    box: BallotBox, counter: User, ward_organiser: User
) -> None:
    services.open_box(actor=None, box=box)
    paper.set_double_entry(actor=ward_organiser, box=box, enabled=True)
    subject = Subject.objects.filter(conference=box.conference)[0]
    keys = "".join("3" for _ in services.shapes_for(box))
    outcome = paper.enter_typed_sheet(
        actor=counter, box=box, subject=subject, keys=keys, comment="", sheet_label="17"
    )
    assert outcome.status == "first"
    services.close_box(actor=None, box=box)
    with contextlib.suppress(DomainError):  # a refusal is the defence
        services.seal_box(actor=None, box=box, acknowledge_mismatch=True)
    box.refresh_from_db()
    sealed_with_typist = (
        box.state == "sealed" and PendingEntry.objects.filter(box=box, first_by=counter).exists()
    )
    assert not sealed_with_typist


# --- Before sealing: a copy taken while the box is open or closed ------------------------

MID_RESPONDENTS = 12


def _snapshot() -> bytes:
    """Return what an adversary copies: the SQLite file with its WAL, or a pg_dump."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        name = Path(settings_dict["NAME"])
        wal = Path(f"{name}-wal")
        return name.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    environment = {**os.environ, "PGPASSWORD": settings_dict["PASSWORD"] or ""}
    return subprocess.run(
        [
            shutil.which("pg_dump") or "pg_dump",
            "-h",
            settings_dict["HOST"] or "127.0.0.1",
            "-p",
            str(settings_dict["PORT"] or 5432),
            "-U",
            settings_dict["USER"],
            "--data-only",
            settings_dict["NAME"],
        ],
        check=True,
        capture_output=True,
        env=environment,
    ).stdout


def _readable(box: BallotBox) -> set[tuple[Any, ...]]:
    """Return the distinct readable columns of the box's online ballot rows, per leader."""
    return set(
        PendingBallot.objects.filter(box=box, source="online").values_list(
            "subject_id", "group_id", "source", "valid", "answers", "comment"
        )
    )


def _open_session(box: BallotBox, typist: User) -> dict[str, Any]:
    services.open_box(actor=None, box=box)
    codes = services.generate_codes(actor=None, box=box, count=MID_RESPONDENTS + 2)
    receipts: list[list[str]] = []
    for n, code in enumerate(codes[:MID_RESPONDENTS]):
        receipts.append(
            services.cast_ballot(code=code, sheets=full_sheets(box, n, f"secret-comment-{n:02d}"))
        )
    keys = "".join("2" for _ in services.shapes_for(box))
    for n in range(2):
        for subject in Subject.objects.filter(conference=box.conference):
            paper.enter_typed_sheet(
                actor=typist, box=box, subject=subject, keys=keys, comment=f"typed-comment-{n}"
            )
    return {"codes": codes, "receipts": receipts}


def _assert_nothing_readable(box: BallotBox, snapshot: bytes) -> None:
    assert b"secret-comment-" not in snapshot and b"typed-comment-" not in snapshot
    assert "secret-comment-".encode("utf-16-le") not in snapshot
    cells = list(dump())
    assert not [(t, c) for t, c, v in cells if "secret-comment-" in v or "typed-comment-" in v]
    stored = list(
        PendingBallot.objects.filter(box=box).values("answers", "comment", "group_id", "ciphertext")
    )
    assert (
        len(stored)
        == 2 * MID_RESPONDENTS + 2 * Subject.objects.filter(conference=box.conference).count()
    )
    assert all(r["answers"] == "" and r["comment"] == "" and r["group_id"] is None for r in stored)
    # Every ciphertext of the box has the same length, so none tells a long comment apart.
    assert len({len(bytes(r["ciphertext"])) for r in stored}) == 1
    # Whatever links a receipt or a used code to a row, every online row of a leader reads
    # the same: the link leads to nothing but "a ballot arrived".
    leaders = Subject.objects.filter(conference=box.conference).count()
    assert len(_readable(box)) == leaders


@pytest.mark.django_db(transaction=True)
def test_a_copy_taken_while_voting_holds_no_ballot_content(box: BallotBox, counter: User) -> None:
    _open_session(box, counter)
    _assert_nothing_readable(box, _snapshot())


@pytest.mark.django_db(transaction=True)
def test_a_copy_taken_after_closing_holds_no_ballot_content(box: BallotBox, counter: User) -> None:
    _open_session(box, counter)
    services.close_box(actor=None, box=box)
    _assert_nothing_readable(box, _snapshot())


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="xmin and ctid are PostgreSQL's",
)
def test_xmin_links_a_used_code_and_its_receipts_only_to_ciphertexts(
    box: BallotBox, counter: User
) -> None:
    """The adversary's queries: which rows share the voter's transaction (xmin)?

    They do share it — the code, the receipts and the ballots are written in one
    transaction — and the test shows that link exists; but the linked ballot rows read
    exactly like every other ballot of their leader, so the link reveals no answer.
    """
    session = _open_session(box, counter)
    services.close_box(actor=None, box=box)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT xmin::text, digest FROM ballots_code WHERE box_id = %s AND state = 'used'",
            [box.pk],
        )
        used = dict(cursor.fetchall())
        cursor.execute(
            "SELECT xmin::text, subject_id, group_id, source, valid, answers, comment, "
            "length(ciphertext), ctid::text FROM ballots_pendingballot WHERE box_id = %s",
            [box.pk],
        )
        ballots = cursor.fetchall()
        cursor.execute(
            "SELECT xmin::text, value FROM ballots_pendingreceipt WHERE box_id = %s", [box.pk]
        )
        receipts = cursor.fetchall()
    linked = [row for row in ballots if row[0] in used]
    assert len(linked) == 2 * MID_RESPONDENTS  # the link is there …
    assert {r[0] for r in receipts} <= set(used)
    readable = {row[1:8] for row in linked}
    assert (
        len(readable) == Subject.objects.filter(conference=box.conference).count()
    )  # … to nothing
    assert all(row[5] == "" and row[6] == "" for row in linked)
    assert len(session["receipts"]) == MID_RESPONDENTS
