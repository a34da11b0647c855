"""Taking back one's own last entry, voiding a paper sheet, the sheet number, picking a comment.

Nothing added here may link a sheet to a person or keep a ballot's id: the typist's
undo token lives in their browser only, and a voided sheet keeps only its reason.
"""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import pytest
from django.test import Client
from django.urls import reverse

from phieukin.accounts.models import User
from phieukin.audit.models import AuditEvent
from phieukin.ballots.models import PendingBallot
from phieukin.ballots.sheet import ItemShape, decode
from phieukin.paper.corpus.deck import box_spec, render_images, small_spec
from phieukin.paper.models import PendingEntry, VoidedSheet
from phieukin.paper.omr.types import parse_sheet_id, sheet_number
from phieukin.paper.printing import render_ballots_pdf
from phieukin.paper.services import enter_typed_sheet, set_double_entry
from phieukin.paper.tests.helpers import content_of, login
from phieukin.rounds.models import BallotBox, Subject

pytestmark = pytest.mark.django_db


def _entry_url(box: BallotBox) -> str:
    return reverse("paper:entry", args=[box.pk])


def _undo_url(box: BallotBox) -> str:
    return reverse("paper:undo", args=[box.pk])


def _type(client: Client, box: BallotBox, subject: Subject, keys: str, **extra: str) -> None:
    response = client.post(_entry_url(box), {"subject": subject.pk, "keys": keys, **extra})
    assert response.status_code == 302, response.content.decode()


@pytest.fixture
def doubled(open_box_: BallotBox, ward_organiser: User) -> BallotBox:
    set_double_entry(actor=ward_organiser, box=open_box_, enabled=True)
    return open_box_


def test_every_printed_page_carries_the_sheet_number_of_its_copy() -> None:
    import zxingcpp

    pdf = render_ballots_pdf(box=box_spec(small_spec(items=5, options=3)), copies=2)
    document = pdfium.PdfDocument(pdf)
    try:
        texts = []
        for i in range(len(document)):
            textpage = document[i].get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
    finally:
        document.close()
    serials = [
        parse_sheet_id(zxingcpp.read_barcodes(img)[0].text).serial
        for img in render_images(pdf, 100)
    ]
    for text, serial in zip(texts, serials, strict=True):
        assert f"Số phiếu {sheet_number(serial)}" in text
    assert re.fullmatch(r"[A-Z2-7]{3}-[A-Z2-7]{3}", sheet_number(serials[0]))


def test_with_double_entry_the_sheet_number_comes_first_and_has_the_cursor(
    doubled: BallotBox, subject: Subject, counter: User
) -> None:
    page = login(counter).get(_entry_url(doubled)).content.decode()
    label = page.index('name="sheet_label"')
    keys = page.index('name="keys"')
    assert label < keys
    assert re.search(r'<input[^>]*name="sheet_label"[^>]*autofocus', page)
    assert not re.search(r'<input[^>]*name="keys"[^>]*autofocus', page)
    assert "Số phiếu" in page


def test_the_two_typists_may_write_the_sheet_number_differently(
    doubled: BallotBox, subject: Subject, counter: User, counter2: User, shapes: list[ItemShape]
) -> None:
    keys = "2" * len(shapes)
    enter_typed_sheet(actor=counter, box=doubled, subject=subject, keys=keys, sheet_label="abc def")
    outcome = enter_typed_sheet(
        actor=counter2, box=doubled, subject=subject, keys=keys, sheet_label="ABC-DEF"
    )
    assert outcome.status == "entered"
    assert PendingBallot.objects.filter(box=doubled).count() == 1


def test_the_leader_stays_chosen_after_each_save(
    open_box_: BallotBox, counter: User, shapes: list[ItemShape]
) -> None:
    second = Subject.objects.filter(conference_id=open_box_.conference_id).order_by("order")[1]
    client = login(counter)
    response = client.post(
        _entry_url(open_box_), {"subject": second.pk, "keys": "1" * len(shapes)}, follow=True
    )
    page = response.content.decode()
    assert re.search(rf'<option value="{second.pk}" selected>', page)


def test_the_typist_takes_back_their_last_sheet_after_confirming(
    open_box_: BallotBox, subject: Subject, counter: User, shapes: list[ItemShape]
) -> None:
    client = login(counter)
    _type(client, open_box_, subject, "1" * len(shapes))
    assert PendingBallot.objects.filter(box=open_box_).count() == 1
    page = client.get(_entry_url(open_box_)).content.decode()
    assert "Rút lại phiếu vừa nhập" in page

    confirmation = client.get(_undo_url(open_box_))
    assert confirmation.status_code == 200
    assert "không thể hoàn tác" in confirmation.content.decode()
    unconfirmed = client.post(_undo_url(open_box_), {})
    assert unconfirmed.status_code == 400
    assert PendingBallot.objects.filter(box=open_box_).count() == 1

    done = client.post(_undo_url(open_box_), {"confirm": "yes"}, follow=True)
    assert "nhập lại phiếu" in done.content.decode()
    assert not PendingBallot.objects.filter(box=open_box_).exists()
    event = AuditEvent.objects.get(action="paper.entry_withdrawn")
    assert event.data == {}
    assert not VoidedSheet.objects.exists()


def test_only_the_last_entry_and_only_its_typist_can_take_it_back(
    open_box_: BallotBox, subject: Subject, counter: User, counter2: User, shapes: list[ItemShape]
) -> None:
    client = login(counter)
    _type(client, open_box_, subject, "1" * len(shapes))
    _type(client, open_box_, subject, "2" * len(shapes))
    token = client.cookies[f"paper_undo_{open_box_.pk}"].value

    thief = login(counter2)
    thief.cookies[f"paper_undo_{open_box_.pk}"] = token
    thief.cookies[f"paper_undo_{open_box_.pk}"]["path"] = "/"
    refused = thief.post(_undo_url(open_box_), {"confirm": "yes"})
    assert refused.status_code == 302
    assert PendingBallot.objects.filter(box=open_box_).count() == 2

    client.post(_undo_url(open_box_), {"confirm": "yes"})
    remaining = PendingBallot.objects.get(box=open_box_)
    first_options = {shape.option_keys[0] for shape in shapes}
    assert set(decode(shapes, content_of(remaining).answers).values()) == first_options
    again = client.post(_undo_url(open_box_), {"confirm": "yes"})
    assert again.status_code == 302
    assert PendingBallot.objects.filter(box=open_box_).count() == 1


def test_a_voided_sheet_keeps_only_its_reason_and_enters_the_reconciliation(
    open_box_: BallotBox, subject: Subject, counter: User, shapes: list[ItemShape]
) -> None:
    client = login(counter)
    _type(client, open_box_, subject, "1" * len(shapes))
    without_reason = client.post(_undo_url(open_box_), {"confirm": "yes", "void": "1"})
    assert without_reason.status_code == 400
    assert PendingBallot.objects.filter(box=open_box_).count() == 1

    client.post(
        _undo_url(open_box_), {"confirm": "yes", "void": "1", "reason": "Phiếu của hòm khác"}
    )
    assert not PendingBallot.objects.filter(box=open_box_).exists()
    voided = VoidedSheet.objects.get()
    assert voided.reason == "Phiếu của hòm khác"
    assert AuditEvent.objects.get(action="paper.sheet_voided").data == {
        "reason": "Phiếu của hòm khác"
    }
    page = client.get(reverse("paper:box", args=[open_box_.pk])).content.decode()
    assert "Phiếu của hòm khác" in page
    assert "Phiếu giấy bị Tổ kiểm phiếu hủy" in page


def test_any_committee_member_voids_a_waiting_sheet_with_a_reason_after_confirming(
    doubled: BallotBox, subject: Subject, counter: User, counter2: User, shapes: list[ItemShape]
) -> None:
    enter_typed_sheet(
        actor=counter, box=doubled, subject=subject, keys="1" * len(shapes), sheet_label="X1"
    )
    entry = PendingEntry.objects.get()
    url = reverse("paper:discard", args=[doubled.pk, entry.pk])
    client = login(counter2)
    assert "không thể hoàn tác" in client.get(url).content.decode()
    unconfirmed = client.post(url, {"void": "1", "reason": "Rách"})
    assert unconfirmed.status_code == 400
    assert PendingEntry.objects.exists()

    client.post(url, {"confirm": "yes", "void": "1", "reason": "Rách"})
    assert not PendingEntry.objects.exists()
    assert VoidedSheet.objects.get().reason == "Rách"


def test_the_typist_of_a_waiting_first_entry_takes_it_back(
    doubled: BallotBox, subject: Subject, counter: User, shapes: list[ItemShape]
) -> None:
    client = login(counter)
    _type(client, doubled, subject, "1" * len(shapes), sheet_label="Q7")
    assert PendingEntry.objects.count() == 1
    client.post(_undo_url(doubled), {"confirm": "yes"})
    assert not PendingEntry.objects.exists()


def test_the_resolver_picks_one_of_the_two_typed_comments(
    doubled: BallotBox,
    subject: Subject,
    counter: User,
    counter2: User,
    counter3: User,
    shapes: list[ItemShape],
) -> None:
    keys = "1" * len(shapes)
    enter_typed_sheet(
        actor=counter, box=doubled, subject=subject, keys=keys, sheet_label="C", comment="Tốt lắm"
    )
    enter_typed_sheet(
        actor=counter2,
        box=doubled,
        subject=subject,
        keys=keys,
        sheet_label="C",
        comment="Tốt lắm, cần gần dân hơn",
    )
    entry = PendingEntry.objects.get()
    url = reverse("paper:resolve", args=[doubled.pk, entry.pk])
    client = login(counter3)
    page = client.get(url).content.decode()
    assert "Lấy ý kiến của lần nhập thứ hai" in page
    client.post(url, {"keys": keys, "comment_from": "second"})
    assert content_of(PendingBallot.objects.get(box=doubled)).comment == "Tốt lắm, cần gần dân hơn"


def test_a_comment_both_typists_agree_on_is_kept_when_the_digits_are_decided(
    doubled: BallotBox,
    subject: Subject,
    counter: User,
    counter2: User,
    counter3: User,
    shapes: list[ItemShape],
) -> None:
    n = len(shapes)
    enter_typed_sheet(
        actor=counter, box=doubled, subject=subject, keys="1" * n, sheet_label="D", comment="Ổn"
    )
    enter_typed_sheet(
        actor=counter2, box=doubled, subject=subject, keys="2" * n, sheet_label="D", comment="Ổn"
    )
    entry = PendingEntry.objects.get()
    login(counter3).post(reverse("paper:resolve", args=[doubled.pk, entry.pk]), {"keys": "2" * n})
    assert content_of(PendingBallot.objects.get(box=doubled)).comment == "Ổn"
