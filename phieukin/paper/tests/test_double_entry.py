"""Double entry: two members type each sheet, a third decides differences."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from phieukin.accounts.models import User
from phieukin.ballots.models import Ballot, PendingBallot
from phieukin.ballots.services import close_box, seal_box
from phieukin.ballots.sheet import ItemShape, decode
from phieukin.core.errors import Conflict, PermissionDenied
from phieukin.paper.models import PendingEntry
from phieukin.paper.selectors import paper_work_waiting
from phieukin.paper.services import enter_typed_sheet, resolve_entry, set_double_entry
from phieukin.paper.tests.helpers import content_of, login
from phieukin.rounds.models import BallotBox, Subject

pytestmark = pytest.mark.django_db


@pytest.fixture
def doubled(open_box_: BallotBox, ward_organiser: User) -> BallotBox:
    set_double_entry(actor=ward_organiser, box=open_box_, enabled=True)
    return open_box_


def _type(client: Client, box: BallotBox, subject: Subject, keys: str, label: str = "7") -> str:
    response = client.post(
        reverse("paper:entry", args=[box.pk]),
        {"subject": subject.pk, "keys": keys, "sheet_label": label},
        follow=True,
    )
    assert response.status_code in (200, 400)
    return response.content.decode()


def test_two_matching_entries_make_exactly_one_ballot_and_no_pending_entry(
    doubled: BallotBox, subject: Subject, counter: User, counter2: User, shapes: list[ItemShape]
) -> None:
    keys = "2" * len(shapes)
    body = _type(login(counter), doubled, subject, keys)
    assert "chờ một thành viên khác nhập lần hai" in body
    assert not PendingBallot.objects.exists()
    assert PendingEntry.objects.count() == 1
    body = _type(login(counter2), doubled, subject, keys)
    assert "Phiếu đã vào hòm phiếu." in body
    ballot = PendingBallot.objects.get(box=doubled)
    assert set(decode(shapes, content_of(ballot).answers).values()) == {"kha"}
    assert not PendingEntry.objects.exists()


def test_the_same_account_cannot_type_both_entries(
    doubled: BallotBox, subject: Subject, counter: User, shapes: list[ItemShape]
) -> None:
    client = login(counter)
    _type(client, doubled, subject, "1" * len(shapes))
    body = _type(client, doubled, subject, "1" * len(shapes))
    assert "lần nhập thứ hai phải do một thành viên khác" in body
    assert not PendingBallot.objects.exists()
    assert PendingEntry.objects.get().second_by_id is None


def test_a_mismatch_waits_for_a_third_member_who_decides(
    doubled: BallotBox,
    subject: Subject,
    counter: User,
    counter2: User,
    counter3: User,
    shapes: list[ItemShape],
) -> None:
    n = len(shapes)
    _type(login(counter), doubled, subject, "1" * n)
    body = _type(login(counter2), doubled, subject, "1" * (n - 1) + "3")
    assert "Hai lần nhập của phiếu này khác nhau" in body
    assert not PendingBallot.objects.exists()
    entry = PendingEntry.objects.get()
    url = reverse("paper:resolve", args=[doubled.pk, entry.pk])

    listing = login(counter3).get(reverse("paper:resolutions", args=[doubled.pk]))
    assert url in listing.content.decode()
    page = login(counter3).get(url)
    assert page.status_code == 200
    assert page.content.decode().count('class="low"') == 1

    # Neither typist may decide.
    refused = login(counter).post(url, {"keys": "1" * n})
    assert refused.status_code == 400
    assert "người không nhập phiếu" in refused.content.decode()
    assert not PendingBallot.objects.exists()

    decided = login(counter3).post(url, {"keys": "1" * (n - 1) + "3"})
    assert decided.status_code == 302
    ballot = PendingBallot.objects.get(box=doubled)
    assert decode(shapes, content_of(ballot).answers)[shapes[-1].key] == "trung_binh"
    assert not PendingEntry.objects.exists()


def test_the_coordinator_may_decide_a_mismatch(
    doubled: BallotBox,
    subject: Subject,
    counter: User,
    counter2: User,
    ward_organiser: User,
    shapes: list[ItemShape],
) -> None:
    n = len(shapes)
    enter_typed_sheet(actor=counter, box=doubled, subject=subject, keys="1" * n, sheet_label="A")
    enter_typed_sheet(actor=counter2, box=doubled, subject=subject, keys="*", sheet_label="A")
    entry = PendingEntry.objects.get()
    outcome = resolve_entry(actor=ward_organiser, entry=entry, keys="*")
    assert outcome.status == "entered"
    assert outcome.valid is False
    assert PendingBallot.objects.get().valid is False


def test_a_typist_cannot_resolve_through_the_service_either(
    doubled: BallotBox, subject: Subject, counter: User, counter2: User, shapes: list[ItemShape]
) -> None:
    n = len(shapes)
    enter_typed_sheet(actor=counter, box=doubled, subject=subject, keys="1" * n, sheet_label="B")
    enter_typed_sheet(actor=counter2, box=doubled, subject=subject, keys="2" * n, sheet_label="B")
    with pytest.raises(PermissionDenied):
        resolve_entry(actor=counter2, entry=PendingEntry.objects.get(), keys="2" * n)
    assert not PendingBallot.objects.exists()


def test_double_entry_needs_a_sheet_number(
    doubled: BallotBox, subject: Subject, counter: User, shapes: list[ItemShape]
) -> None:
    body = _type(login(counter), doubled, subject, "1" * len(shapes), label="")
    assert not PendingEntry.objects.exists()
    assert "Số phiếu" in body


def test_different_comments_are_a_mismatch(
    doubled: BallotBox, subject: Subject, counter: User, counter2: User, shapes: list[ItemShape]
) -> None:
    keys = "1" * len(shapes)
    enter_typed_sheet(
        actor=counter, box=doubled, subject=subject, keys=keys, sheet_label="C", comment="Tốt"
    )
    outcome = enter_typed_sheet(
        actor=counter2, box=doubled, subject=subject, keys=keys, sheet_label="C", comment="Tôt"
    )
    assert outcome.status == "mismatch"
    assert not PendingBallot.objects.exists()


def test_pending_entries_carry_no_time_and_a_random_id() -> None:
    fields = {f.name for f in PendingEntry._meta.get_fields()}
    assert not {"created_at", "updated_at", "typed_at", "order", "sequence"} & fields
    assert PendingEntry._meta.pk is not None
    assert PendingEntry._meta.pk.get_internal_type() == "BigIntegerField"


def test_double_entry_cannot_be_switched_off_while_sheets_wait(
    doubled: BallotBox,
    subject: Subject,
    counter: User,
    ward_organiser: User,
    shapes: list[ItemShape],
) -> None:
    enter_typed_sheet(
        actor=counter, box=doubled, subject=subject, keys="1" * len(shapes), sheet_label="D"
    )
    with pytest.raises(Conflict):
        set_double_entry(actor=ward_organiser, box=doubled, enabled=False)


def test_sheets_waiting_for_a_second_entry_are_counted_as_work_waiting(
    doubled: BallotBox, subject: Subject, counter: User, counter2: User, shapes: list[ItemShape]
) -> None:
    keys = "1" * len(shapes)
    enter_typed_sheet(actor=counter, box=doubled, subject=subject, keys=keys, sheet_label="E")
    assert paper_work_waiting(doubled) == 1
    enter_typed_sheet(actor=counter2, box=doubled, subject=subject, keys=keys, sheet_label="E")
    assert paper_work_waiting(doubled) == 0


def test_a_box_cannot_be_sealed_while_a_difference_waits(
    doubled: BallotBox,
    subject: Subject,
    counter: User,
    counter2: User,
    counter3: User,
    shapes: list[ItemShape],
) -> None:
    n = len(shapes)
    enter_typed_sheet(actor=counter, box=doubled, subject=subject, keys="1" * n, sheet_label="F")
    enter_typed_sheet(actor=counter2, box=doubled, subject=subject, keys="2" * n, sheet_label="F")
    close_box(actor=None, box=doubled)
    with pytest.raises(Conflict) as caught:
        seal_box(actor=None, box=doubled, acknowledge_mismatch=True)
    assert caught.value.code == "paper_work_waiting"
    doubled.refresh_from_db()
    assert doubled.state == "closed"
    resolve_entry(actor=counter3, entry=PendingEntry.objects.get(), keys="1" * n)
    seal_box(actor=None, box=doubled, acknowledge_mismatch=True)
    assert Ballot.objects.get().answers == "0" * n
