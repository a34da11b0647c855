"""Reminders: the quarter's assessments and reviews not done are listed, queued, then cleared."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from phieukin.accounts.models import User
from phieukin.criteria import selectors, services
from phieukin.criteria.models import Commitment, CriteriaSet, Reminder, ReminderKind
from phieukin.criteria.tests.conftest import full_marks
from phieukin.units.models import Position, Unit


@pytest.fixture
def second(wards: list[Unit], criteria_set: CriteriaSet) -> Commitment:
    """The People's Committee Chair of the first ward, committed, nothing assessed."""
    position = Position.objects.get(unit=wards[0], type__key="chu_tich_ubnd")
    person = position.holder_on(dt.date(2026, 1, 1))
    assert person is not None
    return services.commit_to_criteria(
        actor=None, person=person, unit=wards[0], year=2026, criteria_set=criteria_set
    )


def test_missing_and_unreviewed_quarters_are_listed(
    commitment: Commitment,
    second: Commitment,
    leader: User,
    ward_organiser: User,
    criteria_set: CriteriaSet,
) -> None:
    services.save_self_assessment(
        actor=leader, commitment=commitment, quarter=3, scores=full_marks(criteria_set), submit=True
    )
    items = selectors.outstanding_for(ward_organiser, year=2026, quarter=3)
    assert {(i.commitment.pk, i.kind) for i in items} == {
        (commitment.pk, ReminderKind.REVIEW),
        (second.pk, ReminderKind.SELF),
    }


def test_queued_reminders_reach_the_official_and_the_reviewers_then_clear(
    commitment: Commitment,
    second: Commitment,
    leader: User,
    ward_organiser: User,
    district_organiser: User,
    outsider: User,
    criteria_set: CriteriaSet,
) -> None:
    services.queue_reminders(
        actor=ward_organiser, year=2026, quarter=3, commitments=[commitment, second]
    )
    again = services.queue_reminders(
        actor=ward_organiser, year=2026, quarter=3, commitments=[commitment, second]
    )
    assert again == [] and Reminder.objects.count() == 2
    assert [r.commitment_id for r in selectors.reminders_for(leader)] == [commitment.pk]
    assert selectors.reminders_for(district_organiser).count() == 0  # nothing to review yet
    assert selectors.reminders_for(outsider).count() == 0
    panel = selectors.dashboard_panel(leader)
    assert panel is not None and len(panel["queued"]) == 1

    submitted = services.save_self_assessment(
        actor=leader, commitment=commitment, quarter=3, scores=full_marks(criteria_set), submit=True
    )
    assert selectors.reminders_for(leader).count() == 0  # submitting clears the own reminder
    services.queue_reminders(
        actor=district_organiser, year=2026, quarter=3, commitments=[commitment, second]
    )
    assert [r.kind for r in selectors.reminders_for(district_organiser)] == [ReminderKind.REVIEW]
    services.review_assessment(actor=district_organiser, assessment=submitted)
    assert selectors.reminders_for(district_organiser).count() == 0


def test_the_command_lists_and_queues_the_quarter(
    commitment: Commitment, second: Commitment
) -> None:
    out = StringIO()
    call_command("criteria_reminders", "--year", "2026", "--quarter", "2", stdout=out)
    assert "Quarter 2/2026: 2 not done" in out.getvalue()
    assert Reminder.objects.count() == 0
    call_command("criteria_reminders", "--year", "2026", "--quarter", "2", "--queue", stdout=out)
    assert "2 new reminder(s) queued." in out.getvalue()
    assert Reminder.objects.filter(quarter=2, kind=ReminderKind.SELF).count() == 2
