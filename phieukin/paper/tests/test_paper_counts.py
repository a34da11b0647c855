"""Paper accounting: ballots issued and returned, and the box's paper page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from phieukin.accounts.models import User
from phieukin.audit.models import AuditEvent
from phieukin.ballots.services import close_box, record_paper_counts, seal_box
from phieukin.ballots.sheet import ItemShape
from phieukin.core.errors import Conflict, DomainError
from phieukin.paper.selectors import paper_summary
from phieukin.paper.services import enter_typed_sheet
from phieukin.paper.tests.helpers import login
from phieukin.questionnaires.shapes import item_shapes
from phieukin.rounds.models import BallotBox, Subject

pytestmark = pytest.mark.django_db


def test_it_records_the_counts_with_an_audit_event(open_box_: BallotBox, counter: User) -> None:
    box = record_paper_counts(actor=counter, box=open_box_, issued=120, returned=117)
    assert (box.paper_issued, box.paper_returned) == (120, 117)
    event = AuditEvent.objects.filter(action="box.paper_counts").get()
    assert event.data["issued"] == 120
    assert event.actor_id == counter.pk


def test_more_returned_than_issued_is_refused(open_box_: BallotBox, counter: User) -> None:
    with pytest.raises(DomainError) as caught:
        record_paper_counts(actor=counter, box=open_box_, issued=10, returned=11)
    assert caught.value.code == "returned_above_issued"
    open_box_.refresh_from_db()
    assert open_box_.paper_issued is None


def test_negative_counts_are_refused(open_box_: BallotBox, counter: User) -> None:
    with pytest.raises(DomainError):
        record_paper_counts(actor=counter, box=open_box_, issued=-1, returned=0)


def test_a_sealed_box_refuses_counts_and_typed_sheets(
    open_box_: BallotBox, counter: User, subject: Subject, shapes: list[ItemShape]
) -> None:
    close_box(actor=None, box=open_box_)
    seal_box(actor=None, box=open_box_, acknowledge_mismatch=True)
    with pytest.raises(Conflict):
        record_paper_counts(actor=counter, box=open_box_, issued=5, returned=5)
    with pytest.raises(Conflict):
        enter_typed_sheet(actor=counter, box=open_box_, subject=subject, keys="1" * len(shapes))
    response = login(counter).post(
        reverse("paper:entry", args=[open_box_.pk]),
        {"subject": subject.pk, "keys": "1" * len(shapes)},
    )
    assert response.status_code == 400
    assert "niêm phong" in response.content.decode()


def test_a_prepared_box_refuses_typed_sheets(box: BallotBox, counter: User) -> None:
    subject = Subject.objects.filter(conference=box.conference)[0]
    n = len(item_shapes(box.conference.round.questionnaire))
    assert box.state == "prepared"
    with pytest.raises(Conflict):
        enter_typed_sheet(actor=counter, box=box, subject=subject, keys="1" * n)


def test_the_paper_page_shows_counts_and_warnings(
    open_box_: BallotBox, counter: User, subject: Subject, shapes: list[ItemShape]
) -> None:
    record_paper_counts(actor=counter, box=open_box_, issued=2, returned=1)
    for _ in range(2):
        enter_typed_sheet(actor=counter, box=open_box_, subject=subject, keys="1" * len(shapes))
    enter_typed_sheet(actor=counter, box=open_box_, subject=subject, keys="*")
    page = login(counter).get(reverse("paper:box", args=[open_box_.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "đã nhập 3 phiếu giấy, nhưng chỉ thu về 1 phiếu giấy" in body
    counts = next(s for s in paper_summary(open_box_).subjects if s.subject == subject)
    assert (counts.typed, counts.scanned, counts.valid, counts.invalid) == (3, 0, 2, 1)
    assert f'<td class="num">{counts.valid}</td><td class="num">{counts.invalid}</td>' in body


def test_the_counts_form_shows_a_clear_error(open_box_: BallotBox, counter: User) -> None:
    response = login(counter).post(
        reverse("paper:counts", args=[open_box_.pk]), {"issued": 3, "returned": 4}
    )
    assert response.status_code == 400
    assert "Số phiếu thu về (4) nhiều hơn số phiếu phát ra (3)" in response.content.decode()


def test_many_identical_ballots_raise_a_warning(
    open_box_: BallotBox, counter: User, subject: Subject, shapes: list[ItemShape]
) -> None:
    for _ in range(10):
        enter_typed_sheet(actor=counter, box=open_box_, subject=subject, keys="1" * len(shapes))
    # While the box is open its sheets are encrypted: nothing about their content shows.
    page = reverse("paper:box", args=[open_box_.pk])
    assert "có cùng một lựa chọn ở mọi nội dung" not in login(counter).get(page).content.decode()
    # Once sealed, the sheets are readable and the check runs.
    close_box(actor=None, box=open_box_)
    seal_box(actor=None, box=open_box_, acknowledge_mismatch=True)
    assert "có cùng một lựa chọn ở mọi nội dung" in login(counter).get(page).content.decode()
