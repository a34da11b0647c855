"""Integrity: a sealed box cannot change unnoticed; one code casts at most one ballot.

The adversary has write access to the database (raw SQL, behind the product's back) and
tries every change to a sealed box; ``manage.py verify_box`` must exit non-zero naming
what differs. Codes are replayed in every spelling the normaliser accepts.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from phieukin.audit.models import AuditEvent
from phieukin.ballots import digest as digest_mod
from phieukin.ballots import services
from phieukin.ballots.models import Ballot, PendingBallot, Seal
from phieukin.core.errors import DomainError
from phieukin.rounds.models import BallotBox, Subject
from phieukin.rounds.services import record_attendance
from tests.adversarial.conftest import Session, full_sheets

pytestmark = pytest.mark.django_db


def _verify(box: BallotBox, capsys: Any) -> tuple[int, str]:
    capsys.readouterr()
    try:
        call_command("verify_box", str(box.pk))
    except SystemExit as exc:
        return int(exc.code or 0), capsys.readouterr().err
    return 0, capsys.readouterr().out


def _sql(statement: str, params: list[Any]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def _one_ballot(box: BallotBox) -> Ballot:
    return Ballot.objects.filter(box=box, source="online").order_by("id")[0]


def _other_subject(box: BallotBox, ballot: Ballot) -> int:
    return Subject.objects.filter(conference=box.conference).exclude(pk=ballot.subject_id)[0].pk


TAMPERS: dict[str, tuple[Any, str]] = {
    # name: (change, text expected in the Vietnamese message)
    "change an answer": (
        lambda box, b: _sql(
            "UPDATE ballots_ballot SET answers = %s WHERE id = %s",
            [("1" if b.answers[0] != "1" else "2") + b.answers[1:], b.pk],
        ),
        "Các phiếu khác với lúc niêm phong",
    ),
    "change a comment": (
        lambda box, b: _sql("UPDATE ballots_ballot SET comment = 'x' WHERE id = %s", [b.pk]),
        "Các phiếu khác với lúc niêm phong",
    ),
    # A comment whose digest the public export cannot confirm must still be covered.
    "blank a comment": (
        lambda box, b: _sql("UPDATE ballots_ballot SET comment = '' WHERE id = %s", [b.pk]),
        "ý kiến",
    ),
    # Source and group are not in the public line: the nonce-keyed commitment covers them.
    # Swapped, so that the sealed counts per source still hold.
    "relabel a ballot as typed and another as online": (
        lambda box, b: int(
            _sql(
                "UPDATE ballots_ballot SET source = 'online' WHERE id = "
                "(SELECT min(id) FROM ballots_ballot WHERE box_id = %s AND source = 'typed')",
                [box.pk],
            )
            + _sql("UPDATE ballots_ballot SET source = 'typed' WHERE id = %s", [b.pk])
            == 2
        ),
        "nguồn",
    ),
    "give a ballot a respondent group": (
        lambda box, b: _sql(
            "UPDATE ballots_ballot SET group_id = (SELECT min(id) FROM rounds_respondentgroup) "
            "WHERE id = %s",
            [b.pk],
        ),
        "nhóm người tham gia",
    ),
    "mark a ballot invalid": (
        lambda box, b: _sql("UPDATE ballots_ballot SET valid = %s WHERE id = %s", [False, b.pk]),
        "Các phiếu khác với lúc niêm phong",
    ),
    "swap the subject": (
        lambda box, b: _sql(
            "UPDATE ballots_ballot SET subject_id = %s WHERE id = %s",
            [_other_subject(box, b), b.pk],
        ),
        "Các phiếu khác với lúc niêm phong",
    ),
    "delete a ballot": (
        lambda box, b: _sql("DELETE FROM ballots_ballot WHERE id = %s", [b.pk]),
        "Các phiếu khác với lúc niêm phong",
    ),
    "insert a ballot": (
        lambda box, b: _sql(
            "INSERT INTO ballots_ballot (id, box_id, subject_id, group_id, source, valid, "
            "answers, comment) VALUES (%s, %s, %s, NULL, 'typed', %s, %s, '')",
            [12345, box.pk, b.subject_id, True, b.answers],
        ),
        "Các phiếu khác với lúc niêm phong",
    ),
    "change a receipt": (
        lambda box, b: _sql(
            "UPDATE ballots_receipt SET value = 'AAAA-BBBB-CCCC-DDDD' WHERE id = "
            "(SELECT min(id) FROM ballots_receipt WHERE box_id = %s)",
            [box.pk],
        ),
        "biên nhận",
    ),
    "delete a receipt": (
        lambda box, b: _sql(
            "DELETE FROM ballots_receipt WHERE id = "
            "(SELECT min(id) FROM ballots_receipt WHERE box_id = %s)",
            [box.pk],
        ),
        "biên nhận",
    ),
    "change a sealed count": (
        lambda box, b: Seal.objects.filter(box=box).update(
            counts={**Seal.objects.get(box=box).counts, "ballots_valid": 999}
        ),
        "",
    ),
    "mark an unused code used": (
        lambda box, b: _sql(
            "UPDATE ballots_sealedcode SET state = 'used' WHERE id = "
            "(SELECT min(id) FROM ballots_sealedcode WHERE box_id = %s AND state = 'unused')",
            [box.pk],
        ),
        "codes_used",
    ),
    "change the attendance": (
        lambda box, b: _sql(
            "UPDATE rounds_conference SET present_count = present_count + 1 WHERE id = %s",
            [box.conference_id],
        ),
        "present",
    ),
}


@pytest.mark.parametrize("name", sorted(TAMPERS))
def test_verify_box_names_every_change_behind_the_products_back(
    name: str, session: Session, capsys: Any
) -> None:
    box = session.box
    assert _verify(box, capsys) == (0, f"box {box.pk} intact, digest {box.seal.digest}\n")
    change, expected = TAMPERS[name]
    changed = change(box, _one_ballot(box))
    assert changed == 1
    status, message = _verify(box, capsys)
    assert status == 1, message
    assert f"box {box.pk}:" in message
    assert expected in message


def test_verify_box_names_a_box_whose_seal_was_removed(session: Session, capsys: Any) -> None:
    box = session.box
    _sql("DELETE FROM ballots_seal WHERE box_id = %s", [box.pk])
    status, message = _verify(box, capsys)
    assert status == 1
    assert "niêm phong" in message


def test_a_box_changed_and_resealed_behind_the_products_back_is_detected(
    session: Session, capsys: Any
) -> None:
    box = session.box
    sealed_digest = box.seal.digest
    ballot = _one_ballot(box)
    flipped = ("1" if ballot.answers[0] != "1" else "2") + ballot.answers[1:]
    _sql("UPDATE ballots_ballot SET answers = %s WHERE id = %s", [flipped, ballot.pk])
    _sql("DELETE FROM ballots_seal WHERE box_id = %s", [box.pk])
    _sql("UPDATE rounds_ballotbox SET state = 'closed' WHERE id = %s", [box.pk])
    resealed = services.seal_box(actor=None, box=box, acknowledge_mismatch=True)
    assert resealed.digest != sealed_digest
    recorded = AuditEvent.objects.filter(action="box.seal").values_list("data", flat=True)
    assert sealed_digest in [d["digest"] for d in recorded]  # the chain still knows
    status, _message = _verify(box, capsys)
    assert status == 1


def test_the_digest_on_the_bulletin_is_the_sealed_digest(session: Session, client: Any) -> None:
    data = client.get(f"/api/v1/boxes/{session.box.pk}/bulletin").json()
    assert data["digest"] == session.box.seal.digest
    receipts = sorted(r for rs in session.receipts for r in rs)
    assert data["receipts"] == receipts
    assert digest_mod.receipts_root(receipts) == data["receipts_root"]
    assert hashlib.sha256(b"").hexdigest() != data["ballots_root"]


# --- One code, one ballot --------------------------------------------------------------


def _spellings(code: str) -> list[str]:
    """Return other spellings of *code* (``XXXX-XXXX-XXXX``) that normalise to it."""
    plain = code.replace("-", "")
    loose = plain.replace("1", "l").replace("0", "o")
    return [
        code.lower(),
        plain,
        " ".join(plain[i : i + 3] for i in range(0, len(plain), 3)),
        loose,
        loose.upper().replace("L", "I"),
        f"  {code}\t",
        plain.replace("", "-")[1:-1],
    ]


def test_a_used_code_is_refused_in_every_spelling(open_round_: Any, box: BallotBox) -> None:
    services.open_box(actor=None, box=box)
    # Enough codes that some contain 0 and 1, so the O/I/L aliases are exercised.
    codes = services.generate_codes(actor=None, box=box, count=30)
    code = next(c for c in codes if "0" in c or "1" in c)
    services.cast_ballot(code=code, sheets=full_sheets(box, 0))
    for spelling in _spellings(code):
        with pytest.raises(DomainError) as refused:
            services.cast_ballot(code=spelling, sheets=full_sheets(box, 1))
        assert (refused.value.code, refused.value.status) == ("code_used", 409), spelling
    assert PendingBallot.objects.filter(box=box).count() == 2  # one respondent, two leaders


def test_the_web_form_and_the_api_share_one_use_of_a_code(client: Any, box: BallotBox) -> None:
    services.open_box(actor=None, box=box)
    code = services.generate_codes(actor=None, box=box, count=1)[0]
    services.cast_ballot(code=code.lower(), sheets=full_sheets(box, 0))
    api = client.post(
        "/api/v1/ballots",
        {"code": code, "sheets": []},
        content_type="application/json",
    )
    assert api.status_code == 409
    web = client.post(f"/v/{box.pk}/", {"code": code.replace("-", " "), "step": "submit"})
    assert web.status_code == 409
    assert PendingBallot.objects.filter(box=box).count() == 2


@pytest.mark.parametrize("state", ["voided", "other_box", "closed", "sealed", "prepared"])
def test_a_code_is_refused_when_it_cannot_vote_here(
    state: str, box: BallotBox, other_box: BallotBox
) -> None:
    target = other_box if state == "other_box" else box
    services.open_box(actor=None, box=box)
    code = services.generate_codes(actor=None, box=box, count=1)[0]
    if state == "voided":
        services.void_codes(actor=None, box=box, codes=[code])
    if state in ("closed", "sealed"):
        services.close_box(actor=None, box=box)
    if state == "sealed":
        services.seal_box(actor=None, box=box, acknowledge_mismatch=True)
    if state == "other_box":
        services.open_box(actor=None, box=other_box)
    if state == "prepared":
        # A code of a prepared box (made before opening) cannot vote yet.
        code = services.generate_codes(actor=None, box=other_box, count=1)[0]
        target = other_box
    before = Ballot.objects.count()
    with pytest.raises(DomainError) as refused:
        services.cast_ballot(code=code, sheets=full_sheets(target, 0))
    if state == "other_box":
        # The code belongs to ward 0's box: ward 1's leaders are unknown there.
        assert refused.value.code == "unknown_subject"
    else:
        assert refused.value.status in (404, 409), refused.value.code
    assert Ballot.objects.count() == before


# --- Four eyes: one person cannot stuff a box --------------------------------------------


def _api(client: Any, user: Any) -> dict[str, Any]:
    from phieukin.api.auth import create_api_token

    return {"HTTP_AUTHORIZATION": f"Bearer {create_api_token(user=user, name='t')}"}


def test_a_ward_organiser_alone_cannot_stuff_an_open_box(
    client: Any, box: BallotBox, ward_organiser: Any, counter: Any
) -> None:
    """The issue's scenario: after opening, 5 new codes, 5 ballots, present raised by 5."""
    import json

    from phieukin.ballots.models import Code

    services.generate_codes(actor=None, box=box, count=3)
    record_attendance(actor=ward_organiser, conference=box.conference, invited=10, present=3)
    services.open_box(actor=ward_organiser, box=box)
    auth = _api(client, ward_organiser)
    base = f"/api/v1/admin/boxes/{box.pk}"
    made = client.post(
        f"{base}/codes", json.dumps({"count": 5}), content_type="application/json", **auth
    )
    assert made.status_code == 403
    raised = client.post(
        f"{base}/attendance",
        json.dumps({"invited": 10, "present": 8}),
        content_type="application/json",
        **auth,
    )
    assert raised.status_code == 403
    assert Code.objects.filter(box=box).count() == 3
    box.conference.refresh_from_db()
    assert box.conference.present_count == 3
    # The web pages give the same answer.
    client.force_login(ward_organiser)
    client.post(f"/ballots/{box.pk}/codes/", {"count": "5"})
    client.post(f"/ballots/{box.pk}/attendance/", {"invited": "10", "present": "8"})
    assert Code.objects.filter(box=box).count() == 3
    box.conference.refresh_from_db()
    assert box.conference.present_count == 3


def test_the_counting_committee_may_change_figures_after_opening_and_the_reconciliation_names_them(
    client: Any, box: BallotBox, ward_organiser: Any, counter: Any
) -> None:
    import json

    from phieukin.ballots import selectors

    record_attendance(actor=ward_organiser, conference=box.conference, invited=10, present=3)
    services.open_box(actor=ward_organiser, box=box)
    auth = _api(client, counter)
    base = f"/api/v1/admin/boxes/{box.pk}"
    assert (
        client.post(
            f"{base}/codes", json.dumps({"count": 2}), content_type="application/json", **auth
        ).status_code
        == 201
    )
    proposed = client.post(
        f"{base}/attendance/proposals",
        json.dumps({"invited": 10, "present": 5}),
        content_type="application/json",
        **auth,
    )
    assert proposed.status_code == 201
    assert (
        client.post(
            f"{base}/attendance/proposals/{proposed.json()['id']}/confirm",
            content_type="application/json",
            **_api(client, ward_organiser),
        ).status_code
        == 200
    )
    entries = selectors.figure_entries(box)
    after = [(e.figure, e.actor) for e in entries if e.after_opening]
    assert len(after) == 3 and all(str(counter) in actor for _f, actor in after), entries
    assert str(ward_organiser) in after[-1][1]
    assert any(not e.after_opening and e.actor for e in entries)
    client.force_login(counter)
    services.close_box(actor=counter, box=box)
    page = client.get(f"/ballots/{box.pk}/").content.decode()
    assert str(counter) in page and page.count(str(ward_organiser)) >= 1


def test_bidirectional_controls_are_stripped_from_comments(box: BallotBox) -> None:
    services.open_box(actor=None, box=box)
    code = services.generate_codes(actor=None, box=box, count=1)[0]
    evil = "tốt\u202eđộc\u2066x\u2069\u202a\u202b\u202c\u202d\u2067\u2068"
    services.cast_ballot(code=code, sheets=full_sheets(box, 0, evil))
    services.close_box(actor=None, box=box)
    services.seal_box(actor=None, box=box, acknowledge_mismatch=True)
    for comment in Ballot.objects.filter(box=box).values_list("comment", flat=True):
        assert not any(0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069 for c in comment)
        assert comment.startswith("tốtđộcx")
