"""The next round's report shows what the plan promised and how each rating moved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from phieukin.accounts.models import User
from phieukin.followup import selectors, services
from phieukin.followup.outcome import Movement, movement
from phieukin.followup.tests.conftest import complete_measures
from phieukin.questionnaires.models import Questionnaire
from phieukin.reports.tests.conftest import previous_round_filled
from phieukin.rounds.models import Round, Subject
from phieukin.rounds.services import publish_round
from phieukin.tallying import selectors as tallying
from phieukin.units.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def earlier(district: Unit, wards: list[Unit], questionnaire: Questionnaire) -> Round:
    return publish_round(actor=None, round=previous_round_filled(district, wards, questionnaire))


def _approved_plan_in(rnd: Round, leader: User, organiser: User) -> Subject:
    subject = Subject.objects.get(conference__round=rnd, person_id=leader.person_id or 0)
    plan = services.start_plan(actor=leader, subject=subject)
    complete_measures(plan, leader, dt.date(2026, 9, 30))
    services.submit_plan(actor=leader, plan=plan)
    services.approve_plan(actor=organiser, plan=plan)
    return subject


def test_each_promised_item_is_compared_with_the_previous_round(
    earlier: Round, published_round: Round, leader: User, district_organiser: User
) -> None:
    before_subject = _approved_plan_in(earlier, leader, district_organiser)
    now = Subject.objects.get(conference__round=published_round, person_id=leader.person_id or 0)
    result = selectors.plan_outcome(now)
    assert result is not None and result.previous_round == earlier
    flagged = [f.key for f in selectors.flagged_items(before_subject)]
    assert [row.promise.item_key for row in result.items] == flagged
    before = tallying.subject_tally(before_subject).total.figures
    after = tallying.subject_tally(now).total.figures
    assert before is not None and after is not None
    for row in result.items:
        b = next(f.mean for f in before.items if f.key == row.promise.item_key)
        a = next(f.mean for f in after.items if f.key == row.promise.item_key)
        assert (row.before, row.after) == (b, a)
        assert row.movement == movement(b, a)
        assert row.movement != Movement.UNKNOWN
    assert result.caution  # 12 ballots is few


def test_there_is_no_comparison_without_an_approved_plan(
    earlier: Round, published_round: Round, leader: User
) -> None:
    subject = Subject.objects.get(conference__round=earlier, person_id=leader.person_id or 0)
    services.start_plan(actor=leader, subject=subject)  # a draft binds nobody
    now = Subject.objects.get(conference__round=published_round, person_id=leader.person_id or 0)
    assert selectors.plan_outcome(now) is None


def test_the_leaders_report_page_shows_the_comparison(
    earlier: Round,
    published_round: Round,
    leader: User,
    district_organiser: User,
    client: Client,
) -> None:
    _approved_plan_in(earlier, leader, district_organiser)
    now = Subject.objects.get(conference__round=published_round, person_id=leader.person_id or 0)
    client.force_login(leader)
    page = client.get(reverse("reports:leader", args=[published_round.pk, now.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="plan-outcome"' in html
    assert "Tổ chức đối thoại trực tiếp với Nhân dân hằng quý" in html
    assert "movement-" in html
