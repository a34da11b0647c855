"""Who reaches the paper pages of a box."""

from __future__ import annotations

import pytest
from django.urls import reverse

from phieukin.accounts.models import User
from phieukin.ballots.models import PendingBallot
from phieukin.ballots.sheet import ItemShape
from phieukin.core.errors import PermissionDenied
from phieukin.paper.services import enter_typed_sheet
from phieukin.paper.tests.helpers import login
from phieukin.rounds.models import BallotBox, Subject

pytestmark = pytest.mark.django_db

PAGES = ["box", "entry", "resolutions", "print", "upload", "review_queue"]


@pytest.mark.parametrize("name", PAGES)
def test_a_counter_of_ward_b_gets_404_on_ward_a_pages(
    name: str, open_box_: BallotBox, counter_b: User
) -> None:
    response = login(counter_b).get(reverse(f"paper:{name}", args=[open_box_.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_the_counter_of_the_ward_reaches_every_page(
    name: str, open_box_: BallotBox, counter: User
) -> None:
    assert login(counter).get(reverse(f"paper:{name}", args=[open_box_.pk])).status_code == 200


def test_a_leader_cannot_reach_paper_pages(open_box_: BallotBox, leader: User) -> None:
    assert login(leader).get(reverse("paper:box", args=[open_box_.pk])).status_code == 404


def test_the_standing_committee_reads_the_paper_figures_as_it_reads_the_box(
    open_box_: BallotBox, standing: User
) -> None:
    """The same box answers the same way on the box page and on its paper page."""
    client = login(standing)
    assert client.get(reverse("ballots:detail", args=[open_box_.pk])).status_code == 200
    response = client.get(reverse("paper:box", args=[open_box_.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("paper:counts", args=[open_box_.pk]) not in page
    assert reverse("paper:entry", args=[open_box_.pk]) not in page


@pytest.mark.parametrize("name", [p for p in PAGES if p != "box"])
def test_the_standing_committee_is_refused_every_working_page(
    name: str, open_box_: BallotBox, standing: User
) -> None:
    response = login(standing).get(reverse(f"paper:{name}", args=[open_box_.pk]))
    assert response.status_code == 403


def test_the_standing_committee_cannot_record_paper_counts(
    open_box_: BallotBox, standing: User
) -> None:
    response = login(standing).post(
        reverse("paper:counts", args=[open_box_.pk]), {"issued": "9", "returned": "9"}
    )
    assert response.status_code == 403
    open_box_.refresh_from_db()
    assert open_box_.paper_issued is None and open_box_.paper_returned is None


def test_an_anonymous_visitor_is_sent_to_the_login_page(open_box_: BallotBox, client) -> None:
    response = client.get(reverse("paper:entry", args=[open_box_.pk]))
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]


def test_a_counter_of_ward_b_cannot_post_a_ballot_into_ward_a(
    open_box_: BallotBox, counter_b: User, subject: Subject, shapes: list[ItemShape]
) -> None:
    response = login(counter_b).post(
        reverse("paper:entry", args=[open_box_.pk]),
        {"subject": subject.pk, "keys": "1" * len(shapes)},
    )
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        enter_typed_sheet(actor=counter_b, box=open_box_, subject=subject, keys="1" * len(shapes))
    assert not PendingBallot.objects.exists()
