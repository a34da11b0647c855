"""Hostile input: markup and odd Unicode in comments, oversized comments.

A respondent's comment reaches the leader's report as HTML, PDF and DOCX. Whatever it
holds must come out as the same literal text (never as markup, never crashing the
report), in NFC; too long a comment is refused with nothing stored.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from django.test import Client

from phieukin.ballots import services
from phieukin.ballots.models import Ballot, Code, PendingBallot
from phieukin.core.errors import DomainError
from phieukin.reports.tests.helpers import docx_text, pdf_text
from phieukin.rounds.models import BallotBox, Round, Subject
from phieukin.rounds.services import close_round, publish_round
from tests.adversarial.conftest import full_sheets

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("pk")</script>'
MARKUP = '<b>đậm</b> & <font color="red">đỏ</font> <para>'
NFD = unicodedata.normalize("NFD", "Đồng chí cần lắng nghe nhân dân hơn")


@pytest.fixture
def published(open_round_: Round, leader: Any) -> dict[str, Any]:
    """Return a published round whose ward 0 leader got the hostile comments."""
    own: Subject | None = None
    for box in BallotBox.objects.filter(conference__round=open_round_):
        services.open_box(actor=None, box=box)
        codes = services.generate_codes(actor=None, box=box, count=open_round_.k_comments)
        for n, code in enumerate(codes):
            sheets = full_sheets(box, n)
            comments = [SCRIPT, MARKUP, NFD]
            sheets = [
                services.SheetInput(s.subject_id, s.answers, comments[n % 3]) if n < 3 else s
                for s in sheets
            ]
            services.cast_ballot(code=code, sheets=sheets)
        services.close_box(actor=None, box=box)
        services.seal_box(actor=None, box=box, acknowledge_mismatch=True)
        own = own or Subject.objects.filter(conference=box.conference, person=leader.person).first()
    close_round(actor=None, round=open_round_)
    publish_round(actor=None, round=open_round_)
    assert own is not None
    return {"round": open_round_, "subject": own}


def test_stored_comments_are_nfc(published: dict[str, Any]) -> None:
    stored = set(Ballot.objects.values_list("comment", flat=True))
    assert unicodedata.normalize("NFC", NFD) in stored
    assert NFD not in stored


def test_markup_in_a_comment_is_shown_as_text_on_the_report_page(
    published: dict[str, Any], leader: Any, client: Client
) -> None:
    client.force_login(leader)
    rnd, subject = published["round"], published["subject"]
    page = client.get(f"/reports/{rnd.pk}/leaders/{subject.pk}/").content.decode()
    assert "&lt;script&gt;alert(&quot;pk&quot;)&lt;/script&gt;" in page
    assert SCRIPT not in page and "<font" not in page
    assert unicodedata.normalize("NFC", NFD) in page


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_markup_in_a_comment_comes_out_literally_in_the_documents(
    fmt: str, published: dict[str, Any], leader: Any, client: Client
) -> None:
    client.force_login(leader)
    rnd, subject = published["round"], published["subject"]
    response = client.get(f"/reports/{rnd.pk}/leaders/{subject.pk}/report.{fmt}")
    assert response.status_code == 200
    text = (pdf_text if fmt == "pdf" else docx_text)(response.content)
    flat = " ".join(text.split())
    assert 'alert("pk")' in flat
    assert "<script>" in flat and '<font color="red">' in flat
    assert unicodedata.normalize("NFC", NFD) in unicodedata.normalize("NFC", flat)


def test_an_oversized_comment_is_refused_and_nothing_is_stored(
    box: BallotBox, client: Client
) -> None:
    services.open_box(actor=None, box=box)
    code = services.generate_codes(actor=None, box=box, count=1)[0]
    limit = box.conference.round.questionnaire.comment_max_length
    with pytest.raises(DomainError) as refused:
        services.cast_ballot(code=code, sheets=full_sheets(box, 0, "x" * (limit + 1)))
    assert refused.value.code == "comment_too_long"
    sheets = full_sheets(box, 0)
    payload = {
        "code": code,
        "sheets": [
            {"subject": str(s.subject_id), "answers": s.answers, "comment": "y" * 100_000}
            for s in sheets
        ],
    }
    response = client.post("/api/v1/ballots", payload, content_type="application/json")
    assert response.status_code == 400
    assert Ballot.objects.count() == 0
    assert Code.objects.get().state == "unused"


def test_a_nul_character_in_a_comment_is_refused_cleanly(box: BallotBox, client: Client) -> None:
    services.open_box(actor=None, box=box)
    code = services.generate_codes(actor=None, box=box, count=1)[0]
    payload = {
        "code": code,
        "sheets": [
            {"subject": str(s.subject_id), "answers": s.answers, "comment": "a\x00b"}
            for s in full_sheets(box, 0)
        ],
    }
    client.raise_request_exception = False
    response = client.post("/api/v1/ballots", payload, content_type="application/json")
    assert response.status_code in (201, 400), response.status_code
    if response.status_code == 400:
        assert Code.objects.get().state == "unused"
    else:
        # Compared in Python: SQLite's LIKE stops at a NUL and would match every row.
        comments = list(PendingBallot.objects.values_list("comment", flat=True))
        assert comments and not any("\x00" in c for c in comments)
