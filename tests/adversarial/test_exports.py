"""Small groups in the public exports: nothing may be computed from fewer than k ballots.

The adversary downloads the public re-tally CSV and the public tally of a sealed box.
They know who belongs to which respondent group and who voted on paper rather than on
a phone (both are visible in the conference hall).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import unicodedata
from collections import Counter
from typing import Any

import pytest
from django.test import Client

from phieukin.ballots import services
from phieukin.rounds.models import BallotBox, RespondentGroup
from tests.adversarial.conftest import full_sheets, run_session

pytestmark = pytest.mark.django_db


def _csv_rows(client: Client, box: BallotBox) -> list[dict[str, str]]:
    response = client.get(f"/api/v1/boxes/{box.pk}/ballots.csv")
    assert response.status_code == 200, response.content
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def _smallest_subset(rows: list[dict[str, str]], column: str) -> tuple[str, int]:
    """Return the (value, ballots per leader) of the smallest *column* subset in the CSV."""
    per_value = Counter((row[column], row["subject"]) for row in rows)
    value, subject = min(per_value, key=lambda key: per_value[key])
    return value, per_value[(value, subject)]


def _two_group_box(box: BallotBox, big: int, small: int) -> BallotBox:
    """Seal *box* with *big* respondents of one group and *small* of another."""
    groups = list(RespondentGroup.objects.filter(round=box.conference.round).order_by("order"))
    services.open_box(actor=None, box=box)
    for group, count, option in ((groups[0], big, 0), (groups[1], small, 3)):
        for code in services.generate_codes(actor=None, box=box, count=count, group=group):
            services.cast_ballot(code=code, sheets=full_sheets(box, option))
    services.close_box(actor=None, box=box)
    services.seal_box(actor=None, box=box, acknowledge_mismatch=True)
    return box


def test_the_public_tally_withholds_a_group_of_one(client: Client, box: BallotBox) -> None:
    """Control: the tally engine itself shows no figure for a one-person group."""
    _two_group_box(box, big=6, small=1)
    small_key = RespondentGroup.objects.filter(round=box.conference.round).order_by("order")[1].key
    document = client.get(f"/api/v1/boxes/{box.pk}/tally").json()
    big_key = RespondentGroup.objects.filter(round=box.conference.round).order_by("order")[0].key
    cells = {cell["key"]: cell for cell in _cells(document)}
    small = [c for key, c in cells.items() if key.endswith(f"/group:{small_key}")]
    big = [c for key, c in cells.items() if key.endswith(f"/group:{big_key}")]
    assert len(small) == 2 and len(big) == 2, sorted(cells)  # one per leader
    assert all(not c.get("figures") for c in small), small  # a group of 1: no figure
    # Subject (7) minus the group of 6 would give the one ballot away: hidden as well.
    assert all(not c.get("figures") for c in big), big


def _cells(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if "key" in node and ("figures" in node or "reason" in node):
            found.append(node)
        for value in node.values():
            found.extend(_cells(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_cells(value))
    return found


def test_the_public_csv_reveals_no_group_smaller_than_k(client: Client, box: BallotBox) -> None:
    _two_group_box(box, big=6, small=1)
    k = box.conference.round.k_threshold
    value, count = _smallest_subset(_csv_rows(client, box), "group")
    assert count >= k, f"group {value!r} has {count} ballot(s) per leader in the public CSV"


def test_the_public_csv_reveals_no_source_smaller_than_k(
    client: Client, box: BallotBox, counter: Any
) -> None:
    run_session(box, typist=counter, online=7, typed=2)
    k = box.conference.round.k_threshold
    rows = _csv_rows(client, box)
    released = [row for row in rows if row["subject"]]
    assert released, "control: the box's rows are released"
    # No column names the source, and no column sorts the rows into classes that could
    # stand for it: every value that is not the leader, the validity or an answer is
    # unique to its row (the 2 typed ballots share nothing the 7 online ones lack).
    for column in rows[0]:
        values = Counter(row[column] for row in released)
        assert not {"online", "typed", "scanned"} & set(values), column
        if column not in ("subject", "group", "valid", "answers") and not column.startswith("nd"):
            assert max(values.values()) == 1, (column, values.most_common(1))
    value, count = _smallest_subset(rows, "group")
    assert count >= k or value == ""


def test_alike_paper_ballots_form_no_class_of_their_own_in_the_public_csv(
    client: Client, box: BallotBox, counter: Any
) -> None:
    """Without comments, the 2 typed ballots differ from the 7 online ones only by source."""
    from phieukin.rounds.models import Subject

    services.open_box(actor=None, box=box)
    for n, code in enumerate(services.generate_codes(actor=None, box=box, count=7)):
        services.cast_ballot(code=code, sheets=full_sheets(box, n % 4))
    services.close_box(actor=None, box=box)
    subjects = {s.pk: s for s in Subject.objects.filter(conference=box.conference)}
    for n in range(2):
        for sheet in full_sheets(box, n):
            services.enter_paper_ballot(
                actor=counter, box=box, subject=subjects[sheet.subject_id], answers=sheet.answers
            )
    services.seal_box(actor=None, box=box, acknowledge_mismatch=True)
    rows = [row for row in _csv_rows(client, box) if row["subject"]]
    assert len(rows) == 18
    assert len({row["private"] for row in rows}) == 18
    assert len({row["leaf"] for row in rows}) == 18


def test_the_public_csv_confirms_no_guessed_comment_below_k_comments(
    client: Client, box: BallotBox
) -> None:
    rnd = box.conference.round
    services.open_box(actor=None, box=box)
    codes = services.generate_codes(actor=None, box=box, count=rnd.k_threshold)
    guess = "Đồng chí cần gần dân hơn"
    for n, code in enumerate(codes):
        services.cast_ballot(code=code, sheets=full_sheets(box, n, guess if n == 0 else ""))
    services.close_box(actor=None, box=box)
    services.seal_box(actor=None, box=box, acknowledge_mismatch=True)
    assert rnd.k_threshold < rnd.k_comments  # the box is publishable, its comments are not
    body = client.get(f"/api/v1/boxes/{box.pk}/ballots.csv").content.decode()
    rows = _csv_rows(client, box)
    assert len([row for row in rows if row["subject"]]) == 2 * rnd.k_threshold  # released
    values = {value for row in rows for value in row.values()}
    for text in (guess, ""):
        guessed = hashlib.sha256(unicodedata.normalize("NFC", text).encode()).hexdigest()
        assert guessed not in body, f"the CSV confirms the comment {text!r}"
        # Nor with the leader's line around it (the v2 canonical form of the comment).
        assert guessed not in values


def test_the_public_csv_has_no_comment_text_and_no_ballot_ids(
    client: Client, box: BallotBox, counter: Any
) -> None:
    session = run_session(box, typist=counter)
    response = client.get(f"/api/v1/boxes/{box.pk}/ballots.csv")
    body = response.content.decode("utf-8")
    from phieukin.ballots.models import Ballot

    assert "mk0" not in body and "paper0" not in body
    for ballot_id in Ballot.objects.filter(box=box).values_list("id", flat=True):
        assert str(ballot_id) not in body
    for receipts in session.receipts:
        for receipt in receipts:
            assert receipt not in body


def test_the_public_csv_row_order_is_canonical_not_submission_order(
    client: Client, box: BallotBox
) -> None:
    services.open_box(actor=None, box=box)
    codes = services.generate_codes(actor=None, box=box, count=8)
    # Submit options in descending order: a submission-ordered export would be descending.
    for n, code in enumerate(codes):
        services.cast_ballot(code=code, sheets=full_sheets(box, 3 - n % 4))
    services.close_box(actor=None, box=box)
    services.seal_box(actor=None, box=box, acknowledge_mismatch=True)
    rows = _csv_rows(client, box)
    assert len(rows) == 16

    def line(row: dict[str, str]) -> bytes:
        record = [box.pk, int(row["subject"]), int(row["valid"]), row["answers"], row["private"]]
        return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()

    # Sorted by content alone (the Merkle leaf of the canonical line), not by submission.
    assert all(hashlib.sha256(b"\x00" + line(r)).hexdigest() == r["leaf"] for r in rows)
    assert [r["leaf"] for r in rows] == sorted(r["leaf"] for r in rows)
    assert _csv_rows(client, box) == rows


def test_an_unsealed_box_publishes_nothing(client: Client, box: BallotBox) -> None:
    services.open_box(actor=None, box=box)
    for code in services.generate_codes(actor=None, box=box, count=6):
        services.cast_ballot(code=code, sheets=full_sheets(box, 1))
    for path in ("bulletin", "ballots.csv", "tally"):
        response = client.get(f"/api/v1/boxes/{box.pk}/{path}")
        assert response.status_code == 409, (path, response.status_code)
        assert b'"figures"' not in response.content
    assert client.get(f"/bulletin/{box.pk}/").status_code == 409


def _unanimous_round(open_round_: Any) -> None:
    """Seal every box of the round with k respondents who all chose "Yếu", and publish."""
    from phieukin.rounds.services import close_round, publish_round

    for box in BallotBox.objects.filter(conference__round=open_round_):
        services.open_box(actor=None, box=box)
        for code in services.generate_codes(actor=None, box=box, count=open_round_.k_threshold):
            services.cast_ballot(code=code, sheets=full_sheets(box, 3))
        services.close_box(actor=None, box=box)
        services.seal_box(actor=None, box=box, acknowledge_mismatch=True)
    close_round(actor=None, round=open_round_)
    publish_round(actor=None, round=open_round_)


def test_the_public_csv_does_not_undo_the_banding_of_a_unanimous_box(
    client: Client, box: BallotBox
) -> None:
    services.open_box(actor=None, box=box)
    for code in services.generate_codes(
        actor=None, box=box, count=box.conference.round.k_threshold
    ):
        services.cast_ballot(code=code, sheets=full_sheets(box, 3))
    services.close_box(actor=None, box=box)
    services.seal_box(actor=None, box=box, acknowledge_mismatch=True)
    tally = client.get(f"/api/v1/boxes/{box.pk}/tally").json()
    assert all(
        i["banded"] for s in tally["ward"]["subjects"] for i in s["total"]["figures"]["items"]
    )
    response = client.get(f"/api/v1/boxes/{box.pk}/ballots.csv")
    if response.status_code == 200:
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        assert len(rows) == 2 * box.conference.round.k_threshold
        # Withheld rows carry only their leaf: none says what its ballot answered.
        per_subject = Counter((r["subject"], r["answers"]) for r in rows if r["subject"])
        assert not per_subject or max(per_subject.values()) < box.conference.round.k_threshold
        assert all(r["answers"] == "" and r["private"] == "" for r in rows if not r["subject"])


def test_the_summary_workbook_does_not_undo_the_banding_of_a_unanimous_leader(
    client: Client, open_round_: Any, district_organiser: Any
) -> None:
    from phieukin.reports.tests.helpers import workbook

    _unanimous_round(open_round_)
    client.force_login(district_organiser)
    response = client.get(f"/reports/{open_round_.pk}/summary.xlsx")
    assert response.status_code == 200
    book = workbook(b"".join(response) if response.streaming else response.content)
    from django.utils import translation
    from django.utils.translation import pgettext

    with translation.override("vi"):
        title = pgettext("sheet name", "Ballots")
    assert title in book.sheetnames  # the ballots sheet
    values = list(book[title].iter_rows(values_only=True))
    header, rows = values[0], values[1:]
    assert header and any(str(h).startswith("Nội dung") for h in header)
    # Every leader is banded (3 wards x 5 unanimous respondents x 2 leaders): the sheet
    # lists none of their 30 ballots rather than 5 identical rows per leader.
    assert rows == []
    identical = Counter(tuple(r) for r in rows)
    assert not identical or max(identical.values()) < open_round_.k_threshold, (
        identical.most_common(1)
    )
