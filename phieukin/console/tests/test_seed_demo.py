"""``manage.py seed_demo``: the Long Biên demo, complete, through the services, idempotent."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from phieukin.accounts.models import Membership, Role, User
from phieukin.audit.services import verify_chain
from phieukin.ballots.models import Ballot, Seal
from phieukin.rounds.models import BallotBox, Conference, Round, Subject
from phieukin.units.models import Person, Tenure, Unit, UnitKind


@pytest.fixture
def seeded(db: Any) -> str:
    out = StringIO()
    call_command("seed_demo", "--respondents", "10", stdout=out)
    return out.getvalue()


def _check_structure() -> None:
    assert Unit.objects.filter(kind=UnitKind.WARD).count() == 14
    assert Tenure.objects.count() == 28
    rounds = {r.title: r for r in Round.objects.all()}
    assert set(rounds) == {"Đợt I/2022", "Đợt II/2022", "Đợt II/2026"}
    assert rounds["Đợt I/2022"].state == "published"
    assert rounds["Đợt II/2022"].state == "published"
    assert rounds["Đợt II/2026"].state == "open"
    assert Conference.objects.filter(round=rounds["Đợt I/2022"]).count() == 14
    assert Subject.objects.filter(conference__round=rounds["Đợt II/2022"]).count() == 28
    assert not BallotBox.objects.filter(conference__round__year=2022).exclude(state="sealed")
    assert Seal.objects.count() == 28
    assert not BallotBox.objects.filter(conference__round__year=2026).exclude(state="open")


def _check_attendance() -> None:
    for conference in Conference.objects.filter(round__year=2022).select_related("box"):
        rate = conference.present_count / conference.invited_count
        assert 0.85 <= rate <= 1
        ballots = Ballot.objects.filter(box=conference.box).count()
        assert ballots == 2 * conference.present_count


def _check_results() -> None:
    answers = "".join(Ballot.objects.values_list("answers", flat=True))
    good = answers.count("0") + answers.count("1")  # Tốt, Khá
    weak = answers.count("2") + answers.count("3")  # Trung bình, Yếu
    assert good > 3 * weak > 0


def _check_logins(seeded: str) -> None:
    for role in Role.values:
        assert Membership.objects.filter(role=role).exists(), role
    for user in User.objects.filter(memberships__role=Role.LEADER):
        assert user.person is not None
    assert "tuyengiao" in seeded and "demo12345" in seeded
    assert User.objects.get(username="tuyengiao").check_password("demo12345")


def test_running_it_again_duplicates_nothing_and_prints_the_logins(seeded: str) -> None:
    counts = (
        Unit.objects.count(),
        Person.objects.count(),
        User.objects.count(),
        Round.objects.count(),
        Ballot.objects.count(),
        Membership.objects.count(),
    )
    out = StringIO()
    call_command("seed_demo", "--respondents", "10", stdout=out)
    assert counts == (
        Unit.objects.count(),
        Person.objects.count(),
        User.objects.count(),
        Round.objects.count(),
        Ballot.objects.count(),
        Membership.objects.count(),
    )
    assert "tuyengiao" in out.getvalue() and "kiemphieu-" in out.getvalue()


def _check_audit() -> None:
    report = verify_chain()
    assert report.ok
    assert report.checked > 100


def test_the_demo_is_complete_realistic_and_audited(seeded: str) -> None:
    """Build the district, 28 leaders, two published rounds and an open one, with logins."""
    _check_structure()
    _check_attendance()
    _check_results()
    _check_logins(seeded)
    _check_audit()
