"""Keyboard entry of paper ballots through the web page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from phieukin.audit.models import AuditEvent
from phieukin.ballots.models import PendingBallot
from phieukin.ballots.sheet import ItemShape, decode
from phieukin.paper.tests.helpers import content_of
from phieukin.rounds.models import BallotBox, RespondentGroup, Subject

pytestmark = pytest.mark.django_db


def _post(client: Client, box: BallotBox, **data: object) -> Any:
    return client.post(reverse("paper:entry", args=[box.pk]), data)


def test_it_shows_the_entry_page_with_every_item_and_its_digits(
    as_counter: Client, open_box_: BallotBox, shapes: list[ItemShape]
) -> None:
    response = as_counter.get(reverse("paper:entry", args=[open_box_.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('<tr data-item="') == len(shapes)
    assert "1 = Tốt" in body
    assert 'name="keys"' in body


def test_typed_digits_become_a_ballot_with_the_right_answers(
    as_counter: Client, open_box_: BallotBox, subject: Subject, shapes: list[ItemShape]
) -> None:
    keys = "12345" + "1" * (len(shapes) - 6) + "0"
    response = _post(as_counter, open_box_, subject=subject.pk, keys=keys, comment="Cần gần dân")
    assert response.status_code == 302
    assert response["Location"].endswith(f"?subject={subject.pk}")
    ballot = PendingBallot.objects.get(box=open_box_)
    content = content_of(ballot)
    answers = decode(shapes, content.answers)
    assert [answers[s.key] for s in shapes[:5]] == [
        "tot",
        "kha",
        "trung_binh",
        "yeu",
        "khong_danh_gia",
    ]
    assert answers[shapes[-1].key] is None
    assert ballot.source == "typed"
    assert ballot.valid
    assert ballot.subject_id == subject.pk
    assert content.comment == "Cần gần dân"


def test_spaces_between_groups_of_digits_are_ignored(
    as_counter: Client, open_box_: BallotBox, subject: Subject, shapes: list[ItemShape]
) -> None:
    keys = " ".join(["1111"] * (len(shapes) // 4)) + " " + "2" * (len(shapes) % 4)
    assert _post(as_counter, open_box_, subject=subject.pk, keys=keys).status_code == 302
    assert PendingBallot.objects.filter(box=open_box_).count() == 1


def test_a_wrong_number_of_digits_is_refused_with_a_clear_message_and_nothing_stored(
    as_counter: Client, open_box_: BallotBox, subject: Subject, shapes: list[ItemShape]
) -> None:
    response = _post(as_counter, open_box_, subject=subject.pk, keys="1" * (len(shapes) - 1))
    assert response.status_code == 400
    body = response.content.decode()
    assert f"{len(shapes) - 1} chữ số" in body
    assert f"{len(shapes)} nội dung" in body
    assert not PendingBallot.objects.filter(box=open_box_).exists()


def test_a_letter_is_refused_and_nothing_stored(
    as_counter: Client, open_box_: BallotBox, subject: Subject, shapes: list[ItemShape]
) -> None:
    keys = "1" * 3 + "a" + "1" * (len(shapes) - 4)
    response = _post(as_counter, open_box_, subject=subject.pk, keys=keys)
    assert response.status_code == 400
    assert "không phải chữ số" in response.content.decode()
    assert not PendingBallot.objects.exists()


def test_a_digit_beyond_the_options_of_an_item_is_refused(
    as_counter: Client, open_box_: BallotBox, subject: Subject, shapes: list[ItemShape]
) -> None:
    keys = "1" * 2 + "6" + "1" * (len(shapes) - 3)
    response = _post(as_counter, open_box_, subject=subject.pk, keys=keys)
    assert response.status_code == 400
    assert "Nội dung 3 chỉ có 5 lựa chọn" in response.content.decode()
    assert not PendingBallot.objects.exists()


def test_the_star_key_enters_an_invalid_ballot(
    as_counter: Client, open_box_: BallotBox, subject: Subject
) -> None:
    response = _post(as_counter, open_box_, subject=subject.pk, keys="*")
    assert response.status_code == 302
    ballot = PendingBallot.objects.get(box=open_box_)
    assert not ballot.valid
    assert set(content_of(ballot).answers) == {"-"}


def test_the_invalid_checkbox_works_without_javascript(
    as_counter: Client, open_box_: BallotBox, subject: Subject
) -> None:
    response = _post(as_counter, open_box_, subject=subject.pk, keys="", invalid="on")
    assert response.status_code == 302
    assert not PendingBallot.objects.get(box=open_box_).valid


def test_nothing_typed_is_refused(
    as_counter: Client, open_box_: BallotBox, subject: Subject
) -> None:
    response = _post(as_counter, open_box_, subject=subject.pk, keys="")
    assert response.status_code == 400
    assert not PendingBallot.objects.exists()


def test_a_leader_of_another_box_is_refused(
    as_counter: Client, open_box_: BallotBox, box_b: BallotBox, shapes: list[ItemShape]
) -> None:
    other = Subject.objects.filter(conference=box_b.conference)[0]
    response = _post(as_counter, open_box_, subject=other.pk, keys="1" * len(shapes))
    assert response.status_code == 400
    assert not PendingBallot.objects.exists()


def test_the_ballot_records_neither_who_typed_it_nor_when(
    as_counter: Client, open_box_: BallotBox, subject: Subject, shapes: list[ItemShape]
) -> None:
    events = AuditEvent.objects.count()
    _post(as_counter, open_box_, subject=subject.pk, keys="1" * len(shapes))
    assert AuditEvent.objects.count() == events
    row = PendingBallot.objects.filter(box=open_box_).values().get()
    assert set(row) == {
        "id",
        "box_id",
        "subject_id",
        "group_id",
        "source",
        "valid",
        "answers",
        "comment",
        "ciphertext",
    }


def test_the_chosen_respondent_group_is_kept_and_stays_selected(
    as_counter: Client, open_box_: BallotBox, subject: Subject, shapes: list[ItemShape]
) -> None:
    group = RespondentGroup.objects.filter(round=open_box_.conference.round).first()
    if group is None:
        group = RespondentGroup.objects.create(
            round=open_box_.conference.round, key="bi-thu-chi-bo", label="Bí thư chi bộ"
        )
    response = _post(
        as_counter, open_box_, subject=subject.pk, group=group.pk, keys="1" * len(shapes)
    )
    assert response.status_code == 302
    assert f"group={group.pk}" in response["Location"]
    assert content_of(PendingBallot.objects.get(box=open_box_)).group_id == group.pk
    page = as_counter.get(response["Location"])
    assert f'<option value="{group.pk}" selected>' in page.content.decode()
