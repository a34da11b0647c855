"""``manage.py seed_demo``: the Long Biên demo, complete, through the services, idempotent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import translation

from phieukin.accounts.models import Membership, Role, User
from phieukin.audit.services import verify_chain
from phieukin.ballots.models import Ballot, Seal
from phieukin.console.demo import role_label
from phieukin.rounds.models import BallotBox, Conference, Round, Subject
from phieukin.testing.fixtures import FAST_PASSWORD_HASHERS
from phieukin.units.models import Person, Reorganisation, Tenure, Unit, UnitKind


@pytest.fixture(scope="module")
def seeded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """Seed the demo once for the module (~15 s), inside a transaction rolled back at the end.

    Each test still runs in its own rolled-back block within it (``django_db``), so the
    second run of the command in one test is not seen by the other.
    """
    # Set up before the per-test fixtures, so it makes passwords cheap itself.
    fast = override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS)
    with fast, django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = StringIO()
            call_command("seed_demo", "--respondents", "10", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _check_structure() -> None:
    """The 14 old wards, the district and the four wards of today's map."""
    assert Unit.objects.filter(kind=UnitKind.WARD).count() == 18
    assert Tenure.objects.count() == 28 + 8  # the four new wards' holders carried over
    rounds = {r.title: r for r in Round.objects.all()}
    assert set(rounds) == {"Đợt I/2022", "Đợt II/2022", "Đợt II/2026"}
    assert rounds["Đợt I/2022"].state == "published"
    assert rounds["Đợt II/2022"].state == "published"
    assert rounds["Đợt II/2026"].state == "open"
    assert Conference.objects.filter(round=rounds["Đợt I/2022"]).count() == 14
    assert Subject.objects.filter(conference__round=rounds["Đợt II/2022"]).count() == 28
    assert not BallotBox.objects.filter(conference__round__year=2022).exclude(state="sealed")
    assert Seal.objects.count() == 28 + 3
    boxes_2026 = BallotBox.objects.filter(conference__round__year=2026)
    assert boxes_2026.filter(state="sealed").count() == 3
    assert boxes_2026.get(state="open").conference.unit.name == "Bồ Đề"


def _check_map_story() -> None:
    """2022 on the old map, the 01/07/2025 reorganisation, 2026 on today's four wards."""
    reorganisation = Reorganisation.objects.get()
    assert reorganisation.effective == dt.date(2025, 7, 1)
    city = Unit.objects.get(code="01")
    district = Unit.objects.get(code="004")
    assert district.valid_until == dt.date(2025, 6, 30)
    old_wards = Unit.objects.filter(parent=district, kind=UnitKind.WARD)
    assert {w.valid_until for w in old_wards} == {dt.date(2025, 6, 30)}
    new_wards = Unit.objects.filter(parent=city, kind=UnitKind.WARD)
    assert sorted(w.name for w in new_wards) == ["Bồ Đề", "Long Biên", "Phúc Lợi", "Việt Hưng"]
    assert {w.valid_from for w in new_wards} == {dt.date(2025, 7, 1)}
    rnd = Round.objects.get(title="Đợt II/2026")
    assert rnd.organiser_unit == city
    assert {c.unit for c in rnd.conferences.all()} == set(new_wards)
    for old in Round.objects.filter(year=2022):
        assert old.organiser_unit == district
    # The Party Secretary of the new Bồ Đề held the post in the old Bồ Đề in 2022.
    user = User.objects.get(username="bithu-bo-de")
    subjects = Subject.objects.filter(person=user.person).select_related("conference__unit")
    assert {(s.conference.round.title, s.conference.unit.valid_from is None) for s in subjects} == {
        ("Đợt I/2022", True),
        ("Đợt II/2022", True),
        ("Đợt II/2026", False),
    }
    assert Membership.objects.filter(
        user__username="danguy-bo-de", role=Role.DISTRICT_ORGANISER, unit__name="Bồ Đề"
    ).exists()


def _check_attendance() -> None:
    held = Conference.objects.filter(box__state="sealed").select_related("box")
    for conference in held:
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
    _check_login_labels(seeded)
    assert User.objects.get(username="tuyengiao").check_password("demo12345")


@pytest.mark.django_db
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
    with translation.override("en"):  # the printed list is Vietnamese whatever the language
        call_command("seed_demo", "--respondents", "10", stdout=out)
    assert counts == (
        Unit.objects.count(),
        Person.objects.count(),
        User.objects.count(),
        Round.objects.count(),
        Ballot.objects.count(),
        Membership.objects.count(),
    )
    assert "tuyengiao" in out.getvalue() and "kiemphieu-bo-de" in out.getvalue()
    _check_login_labels(out.getvalue())


def _login_lines(output: str) -> dict[str, str]:
    """Return each printed login's role label, by user name."""
    lines = output.split("Demo logins", 1)[1].split("Passwords are set", 1)[0].splitlines()[1:]
    return {
        line.split()[0]: line.split(None, 1)[1].split(",", 1)[0].strip()
        for line in lines
        if line.strip()
    }


def _check_login_labels(output: str) -> None:
    """Every role label of the printed login list is the Vietnamese one of the catalogue."""
    labels = _login_lines(output)
    assert labels["mattran"] == "Giám sát của Mặt trận Tổ quốc"
    assert labels["thuongtruc"] == "Thường trực cấp ủy"
    assert labels["kiemphieu-bo-de"] == "Thành viên Tổ kiểm phiếu"
    assert labels["bithu-bo-de"] == "Cán bộ được góp ý"
    assert labels["quantri"].startswith("Quản trị hệ thống")
    with translation.override("en"):
        english = {str(role.label) for role in Role}
    assert not english & set(labels.values())
    assert "Fatherland Front" not in output.split("Demo logins", 1)[1]


def test_a_role_label_of_the_login_list_is_vietnamese_whatever_the_active_language() -> None:
    with translation.override("vi"):
        catalogue = {role: str(role.label) for role in Role}
    with translation.override("en"):
        assert {role: role_label(role) for role in Role} == catalogue
        assert role_label(Role.SUPERVISOR) == "Giám sát của Mặt trận Tổ quốc"


def _check_audit() -> None:
    report = verify_chain()
    assert report.ok
    assert report.checked > 100


@pytest.mark.django_db
def test_the_demo_is_complete_realistic_and_audited(seeded: str) -> None:
    """Build the 2022 district, its 28 leaders and two published rounds, the 2025
    reorganisation, and the open 2026 round of the city over today's four wards."""
    _check_structure()
    _check_map_story()
    _check_attendance()
    _check_results()
    _check_logins(seeded)
    _check_audit()
