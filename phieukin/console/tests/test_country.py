"""The national-scale generator builds a small country of the full one's shape."""

from __future__ import annotations

import io
import unicodedata

import pytest
from django.core.management import CommandError, call_command

from phieukin.ballots.models import Ballot, Code, CodeState, Receipt, Seal
from phieukin.console.country import CountrySize, check_country, generate_country
from phieukin.rounds.lifecycle import RoundState
from phieukin.rounds.models import BallotBox, Round, Subject
from phieukin.tallying.models import TallySnapshot
from phieukin.tallying.selectors import check_snapshots, round_tally
from phieukin.units.models import Unit, UnitKind

pytestmark = pytest.mark.django_db


def test_a_small_country_has_provinces_communes_leaders_and_published_rounds() -> None:
    out = io.StringIO()
    size = CountrySize(provinces=3, communes=12, rounds=2, respondents=12)
    built = generate_country(size=size, stdout=out)
    provinces = list(Unit.objects.filter(kind=UnitKind.PROVINCE).order_by("pk"))
    assert [p.full_name for p in provinces] == [
        "Thành phố Hà Nội",
        "Thành phố Huế",
        "Tỉnh Lai Châu",
    ]
    communes = Unit.objects.filter(parent__in=provinces)
    assert communes.count() == built.communes == 12
    for unit in communes:
        assert unit.full_name.startswith(("Phường ", "Xã "))
        assert unicodedata.is_normalized("NFC", unit.name)
    rounds = Round.objects.filter(organiser_unit__in=provinces)
    assert rounds.count() == built.rounds == 6
    assert set(rounds.values_list("title", flat=True)) == {"Đợt I/2022", "Đợt II/2022"}
    assert set(rounds.values_list("state", flat=True)) == {RoundState.PUBLISHED.value}
    assert Subject.objects.count() == 2 * 12 * 2
    assert Ballot.objects.count() == built.ballots > 2 * 12 * 2 * 10
    # Each round's tally and its boxes' were stored as publication stores them.
    assert TallySnapshot.objects.filter(box__isnull=True).count() == 6
    assert TallySnapshot.objects.filter(box__isnull=False).count() == BallotBox.objects.count()
    rnd = rounds.order_by("pk").first()
    assert rnd is not None
    assert check_snapshots(rnd) == []
    figures = round_tally(rnd).total.figures
    assert figures is not None and figures.ballots > 0
    assert "3 provinces, 12 communes and wards, 24 leaders" in out.getvalue()


def test_the_command_refuses_a_database_that_already_has_units(district: Unit) -> None:
    with pytest.raises(CommandError, match="already has units"):
        call_command("generate_country", "--provinces", "1", "--communes", "2", "--rounds", "1")


def test_every_generated_box_verifies_and_every_snapshot_matches_its_ballots() -> None:
    generate_country(size=CountrySize(provinces=2, communes=5, rounds=2, respondents=12))
    checked = check_country()
    assert checked.problems == []
    assert checked.boxes == BallotBox.objects.count() == 10
    assert checked.rounds == 4


def test_generated_boxes_hold_what_voting_and_typing_leave() -> None:
    generate_country(size=CountrySize(provinces=1, communes=3, rounds=1, respondents=20))
    for seal in Seal.objects.select_related("box__conference"):
        counts, box = seal.counts, seal.box
        # Everyone present voted once: with a code on a phone or on a paper sheet.
        assert counts["present"] == counts["codes_used"] + box.paper_returned
        assert Code.objects.filter(box=box, state=CodeState.USED).count() == counts["codes_used"]
        online = Ballot.objects.filter(box=box, source="online")
        # The voting page accepts only complete sheets and gives a receipt for each.
        assert not online.filter(valid=False).exists()
        assert not online.filter(answers__contains="-").exists()
        assert Receipt.objects.filter(box=box).count() == online.count() == counts["receipts"]


def test_a_ballot_changed_after_generation_is_found() -> None:
    generate_country(size=CountrySize(provinces=1, communes=2, rounds=1, respondents=12))
    ballot = Ballot.objects.filter(valid=True).order_by("pk").first()
    assert ballot is not None
    Ballot.objects.filter(pk=ballot.pk).update(answers="0" * len(ballot.answers))
    box = BallotBox.objects.select_related("conference").get(pk=ballot.box_id)
    problems = check_country().problems
    # The seal no longer verifies, and the stored tallies no longer match the ballots.
    assert [p for p in problems if p.split(": ", 1)[0].endswith(str(box))]
    assert len(problems) >= 3


def test_a_generated_country_grows_its_history_with_resume() -> None:
    call_command(
        "generate_country", "--provinces", "2", "--communes", "4", "--rounds", "1",
        "--respondents", "12", stdout=io.StringIO(),
    )  # fmt: skip
    leaders = sorted(Subject.objects.values_list("person_id", "position_id"))
    units = Unit.objects.count()
    # Without --resume a second run refuses the filled database; with it the same
    # country gets its second and third rounds, with the same communes and leaders.
    with pytest.raises(CommandError, match="already has units"):
        call_command("generate_country", "--provinces", "2", "--communes", "4", "--rounds", "3")
    out = io.StringIO()
    call_command(
        "generate_country", "--provinces", "2", "--communes", "4", "--rounds", "3",
        "--respondents", "12", "--resume", "--check", "0", stdout=out,
    )  # fmt: skip
    assert "1 rounds there already" in out.getvalue()
    assert "checked: 12 boxes verified, 6 rounds' stored tallies recomputed, 0 problems" in (
        out.getvalue()
    )
    assert Unit.objects.count() == units
    titles = Round.objects.filter(organiser_unit__slug="qg-ha-noi").order_by("pk")
    assert list(titles.values_list("title", flat=True)) == [
        "Đợt I/2022",
        "Đợt II/2022",
        "Đợt I/2023",
    ]
    per_round = Subject.objects.filter(conference__round__in=titles)
    assert (
        per_round.filter(conference__round=titles[0]).count()
        == per_round.filter(conference__round=titles[2]).count()
    )
    # Every round rates the same people in the same posts.
    assert sorted(set(Subject.objects.values_list("person_id", "position_id"))) == leaders
    # Nothing more to add: a resumed run at the size it has adds no round.
    call_command(
        "generate_country", "--provinces", "2", "--rounds", "3", "--resume", stdout=io.StringIO()
    )
    assert Round.objects.count() == 6
