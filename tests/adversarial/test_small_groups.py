"""Small groups across every published tally: no set of fewer than k by subtraction.

The adversary holds every published tally of a round: the public tally of each sealed
box (API) and the round's tally (reports). From the shown cells they subtract: the
district minus the visible wards, a ward minus its visible leaders, a leader minus the
visible respondent groups. Every shown cell and every such remainder must be empty or
hold at least k ballots, and a small group where everyone agreed shows no counts.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from phieukin.ballots import services
from phieukin.rounds.models import BallotBox, RespondentGroup, Round
from phieukin.tallying.selectors import round_tally_document
from tests.adversarial.conftest import full_sheets

pytestmark = pytest.mark.django_db


def _seal_round(rnd: Round, plan: list[list[tuple[int, int]]]) -> list[BallotBox]:
    """Vote per box a list of (group index, respondents) and seal every box."""
    groups = list(RespondentGroup.objects.filter(round=rnd).order_by("order"))
    boxes = list(BallotBox.objects.filter(conference__round=rnd).order_by("pk"))
    for box, parts in zip(boxes, plan, strict=True):
        services.open_box(actor=None, box=box)
        n = 0
        for group, count in parts:
            codes = services.generate_codes(actor=None, box=box, count=count, group=groups[group])
            for code in codes:
                services.cast_ballot(code=code, sheets=full_sheets(box, n))
                n += 1
        services.close_box(actor=None, box=box)
        services.seal_box(actor=None, box=box, acknowledge_mismatch=True)
    return boxes


def _shown(document: dict[str, Any], into: dict[str, int]) -> None:
    """Collect the ballot counts of every shown cell of a tally document."""

    def cell(node: dict[str, Any] | None) -> None:
        if node and node.get("figures"):
            into[node["key"]] = int(node["figures"]["ballots"])

    cell(document.get("district"))
    wards = document.get("wards") or [document["ward"]]
    for ward in wards:
        cell(ward["total"])
        for subject in ward["subjects"]:
            cell(subject["total"])
            for group in subject["groups"]:
                cell(group)


def _true_sizes(boxes: list[BallotBox]) -> dict[str, int]:
    """Return the real ballot count of every cell key (from the database)."""
    from phieukin.ballots.models import Ballot

    sizes: dict[str, int] = {"district": 0}
    for ballot in Ballot.objects.filter(box__in=boxes, valid=True).select_related(
        "box__conference", "group"
    ):
        ward = f"ward:{ballot.box.conference.unit_id}"
        subject = f"subject:{ballot.subject_id}"
        group = ballot.group.key if ballot.group else ""
        for key in ("district", ward, subject, f"{subject}/group:{group}"):
            sizes[key] = sizes.get(key, 0) + 1
    return sizes


def _children(sizes: dict[str, int], boxes: list[BallotBox]) -> dict[str, list[str]]:
    tree: dict[str, list[str]] = {"district": []}
    for box in boxes:
        ward = f"ward:{box.conference.unit_id}"
        tree["district"].append(ward)
        tree[ward] = [f"subject:{s.pk}" for s in box.conference.subjects.all()]
        for subject in tree[ward]:
            tree[subject] = [key for key in sizes if key.startswith(f"{subject}/group:")]
    return tree


def _disclosures(
    shown: dict[str, int], sizes: dict[str, int], tree: dict[str, list[str]], k: int
) -> list[str]:
    problems = [f"{key} shows {n}" for key, n in shown.items() if n < k]
    for key, n in shown.items():
        assert sizes.get(key) == n, (key, n, sizes.get(key))  # the collector reads truly
        visible = [c for c in tree.get(key, []) if c in shown]
        rest = n - sum(shown[c] for c in visible)
        if visible and 0 < rest < k:
            problems.append(f"{key} minus {visible} leaves {rest}")
    return problems


@pytest.mark.parametrize(
    "plan",
    [
        [[(0, 8)], [(0, 8)], [(0, 2)]],  # a small ward
        [[(0, 6), (1, 2)], [(0, 5)], [(0, 5), (1, 1)]],  # small groups inside wards
        [[(0, 5), (1, 5)], [(0, 3), (1, 3)], [(0, 9)]],  # groups of 3 in a ward of 6
    ],
    ids=["small ward", "small groups", "groups of three"],
)
def test_no_published_figure_or_remainder_covers_fewer_than_k_ballots(
    plan: list[list[tuple[int, int]]], open_round_: Round, client: Client
) -> None:
    boxes = _seal_round(open_round_, plan)
    shown: dict[str, int] = {}
    _shown(round_tally_document(open_round_), shown)
    for box in boxes:
        response = client.get(f"/api/v1/boxes/{box.pk}/tally")
        assert response.status_code == 200
        _shown(response.json(), shown)
    sizes = _true_sizes(boxes)
    assert shown  # something is published
    problems = _disclosures(shown, sizes, _children(sizes, boxes), open_round_.k_threshold)
    assert not problems


def _box_tally(box: BallotBox, client: Client, respondents: int, option: int | None) -> Any:
    """Seal *box* with *respondents* people (all choosing *option*, or varied) and tally it."""
    services.open_box(actor=None, box=box)
    for n, code in enumerate(services.generate_codes(actor=None, box=box, count=respondents)):
        services.cast_ballot(code=code, sheets=full_sheets(box, n if option is None else option))
    services.close_box(actor=None, box=box)
    services.seal_box(actor=None, box=box, acknowledge_mismatch=True)
    return client.get(f"/api/v1/boxes/{box.pk}/tally").json()


def _assert_banded(cell: dict[str, Any]) -> None:
    figures = cell["figures"]
    if figures is None:
        return
    for item in figures["items"]:
        assert item["banded"], (cell["key"], item["key"])
        assert all(o["count"] is None for o in item["options"]), (cell["key"], item)
        assert item["mean"] is None, (cell["key"], item["key"], item["mean"])


def test_a_unanimous_small_box_shows_no_counts_for_a_leader(box: BallotBox, client: Client) -> None:
    document = _box_tally(box, client, box.conference.round.k_threshold, option=3)  # all "Yếu"
    subjects = document["ward"]["subjects"]
    assert len(subjects) == 2
    assert all(s["total"]["figures"] for s in subjects)  # shown, but only in bands
    for subject in subjects:
        _assert_banded(subject["total"])


def test_a_unanimous_small_box_shows_no_counts_for_the_ward(box: BallotBox, client: Client) -> None:
    document = _box_tally(box, client, box.conference.round.k_threshold, option=3)
    _assert_banded(document["ward"]["total"])


def test_a_box_of_fewer_than_k_respondents_publishes_no_figure(
    box: BallotBox, client: Client
) -> None:
    document = _box_tally(box, client, 3, option=None)
    assert [s["total"]["figures"] for s in document["ward"]["subjects"]] == [None, None]
    assert document["ward"]["total"]["figures"] is None
