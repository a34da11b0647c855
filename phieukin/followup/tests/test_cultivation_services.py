"""Self-cultivation plans, who must post them, the posting rate, feedback and moderation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import signing

from phieukin.accounts.access import AccessDenied
from phieukin.accounts.models import User
from phieukin.core.errors import Conflict, DomainError
from phieukin.followup import selectors, services, tokens
from phieukin.followup.models import CitizenFeedback, CultivationPlan
from phieukin.units.models import Position, Unit
from phieukin.units.services import appoint_person, create_person

pytestmark = pytest.mark.django_db

YEAR = dt.date.today().year
COMMITMENTS = [
    services.CommitmentInput("ideology", "Kiên định lập trường, tư tưởng chính trị."),
    services.CommitmentInput("ethics", "Giữ gìn đạo đức, lối sống giản dị."),
    services.CommitmentInput("role_model", "Nêu gương trong thực hiện nhiệm vụ."),
]


def _write(user: User, unit: Unit) -> CultivationPlan:
    assert user.person_id is not None
    return services.save_cultivation_plan(
        actor=user,
        person_id=user.person_id,
        unit=unit,
        year=YEAR,
        intro="Kế hoạch tu dưỡng, rèn luyện, phấn đấu năm nay.",
        commitments=COMMITMENTS,
    )


@pytest.fixture
def posted(leader: User, wards: list[Unit]) -> CultivationPlan:
    return services.post_cultivation_plan(actor=leader, plan=_write(leader, wards[0]))


def test_every_holder_of_a_post_must_post_one_plan_per_unit(
    district: Unit, wards: list[Unit]
) -> None:
    heads = selectors.required_heads([w.pk for w in wards], YEAR)
    assert len(heads) == len({(h.person_id, h.unit_id) for h in heads})
    assert {h.unit_id for h in heads} == {w.pk for w in wards}
    # One person holding both posts of a ward posts once there.
    both = Position.objects.get(unit=wards[1], type__key="chu_tich_ubnd")
    secretary = Position.objects.get(unit=wards[1], type__key="bi_thu_dang_uy")
    holder = secretary.holder_on(dt.date.today())
    assert holder is not None
    appoint_person(actor=None, position=both, person=holder, start=dt.date.today())
    per_ward = [h for h in selectors.required_heads([wards[1].pk], YEAR)]
    assert [h.person_id for h in per_ward] == [holder.pk]


def test_the_posting_rate_counts_posted_plans_of_required_heads(
    posted: CultivationPlan, chair: User, wards: list[Unit], district_organiser: User
) -> None:
    rate = selectors.posting_rate_for(district_organiser, YEAR)
    required = len(selectors.required_heads([w.pk for w in wards], YEAR))
    assert (rate.posted, rate.required) == (1, required)
    assert rate.rate == pytest.approx(1 / required)
    first = next(u for u in rate.units if u.unit_id == wards[0].pk)
    assert (first.posted, first.required, first.rate) == (1, 2, 0.5)
    # A written but unposted plan does not count.
    _write(chair, wards[0])
    assert selectors.posting_rate_for(district_organiser, YEAR).posted == 1
    services.post_cultivation_plan(
        actor=chair, plan=CultivationPlan.objects.get(person_id=chair.person_id or 0)
    )
    first = next(
        u
        for u in selectors.posting_rate_for(district_organiser, YEAR).units
        if u.unit_id == wards[0].pk
    )
    assert first.rate == 1.0
    assert len(selectors.posting_rate_for(district_organiser, YEAR).missing) == required - 2


def test_only_a_head_writes_their_own_plan_and_posting_freezes_it(
    leader: User, chair: User, wards: list[Unit], district_organiser: User
) -> None:
    assert leader.person_id is not None
    with pytest.raises(AccessDenied):
        services.save_cultivation_plan(
            actor=chair,
            person_id=leader.person_id,
            unit=wards[0],
            year=YEAR,
            intro="",
            commitments=COMMITMENTS,
        )
    with pytest.raises(DomainError) as refused:
        services.save_cultivation_plan(
            actor=leader,
            person_id=leader.person_id,
            unit=wards[1],
            year=YEAR,
            intro="",
            commitments=COMMITMENTS,
        )
    assert refused.value.code == "not_a_head"
    plan = _write(leader, wards[0])
    assert [c.area for c in plan.commitments.all()] == ["ideology", "ethics", "role_model"]
    with pytest.raises(AccessDenied):
        services.post_cultivation_plan(actor=district_organiser, plan=plan)
    services.post_cultivation_plan(actor=leader, plan=plan)
    with pytest.raises(Conflict):
        _write(leader, wards[0])


def test_the_supervisor_reads_the_units_plans_and_records_notes(
    posted: CultivationPlan, supervisor: User, outsider: User, wards: list[Unit]
) -> None:
    assert posted in selectors.visible_cultivation_plans(supervisor)
    assert posted not in selectors.visible_cultivation_plans(outsider)
    note = services.add_supervision_note(
        actor=supervisor, plan=posted, text="Đề nghị bổ sung chỉ tiêu tiếp dân."
    )
    assert note.unit_id == wards[0].pk
    with pytest.raises(AccessDenied):
        services.add_supervision_note(actor=outsider, plan=posted, text="x")


def test_feedback_waits_for_moderation_and_shows_only_once_answered(
    posted: CultivationPlan, ward_organiser: User, outsider: User, leader: User, chair: User
) -> None:
    token = tokens.feedback_token(posted.pk)
    fb = services.submit_feedback(plan=posted, body="Đề nghị tiếp dân cả thứ Bảy.", token=token)
    assert fb is not None and fb.state == "pending" and fb.name == ""
    assert selectors.public_feedback(posted) == []
    with pytest.raises(AccessDenied):
        services.moderate_feedback(actor=outsider, feedback=fb, publish=True)
    with pytest.raises(AccessDenied):
        services.moderate_feedback(actor=leader, feedback=fb, publish=True)
    with pytest.raises(Conflict):
        services.answer_feedback(actor=leader, feedback=fb, answer="Xin tiếp thu.")
    services.moderate_feedback(actor=ward_organiser, feedback=fb, publish=True)
    with pytest.raises(Conflict):
        services.moderate_feedback(actor=ward_organiser, feedback=fb, publish=False)
    assert selectors.public_feedback(posted) == []  # approved, not yet answered
    with pytest.raises(AccessDenied):
        services.answer_feedback(actor=chair, feedback=fb, answer="Không phải của tôi.")
    services.answer_feedback(actor=leader, feedback=fb, answer="Xin tiếp thu, sẽ bố trí.")
    assert [f.pk for f in selectors.public_feedback(posted)] == [fb.pk]


def test_rejected_feedback_is_never_shown(posted: CultivationPlan, ward_organiser: User) -> None:
    fb = services.submit_feedback(
        plan=posted, body="Quảng cáo", token=tokens.feedback_token(posted.pk)
    )
    assert fb is not None
    services.moderate_feedback(actor=ward_organiser, feedback=fb, publish=False)
    assert selectors.public_feedback(posted) == []


def test_the_form_token_is_bound_to_the_plan_and_expires(
    posted: CultivationPlan, settings: Any, leader: User, wards: list[Unit]
) -> None:
    with pytest.raises(DomainError) as refused:
        services.submit_feedback(plan=posted, body="x", token="forged")
    assert refused.value.code == "form_expired"
    other = tokens.feedback_token(posted.pk + 1)
    with pytest.raises(DomainError):
        services.submit_feedback(plan=posted, body="x", token=other)
    old = signing.TimestampSigner(salt=tokens.SALT).sign(str(posted.pk))
    settings.PHIEUKIN_FEEDBACK_TOKEN_MAX_AGE = -1
    with pytest.raises(DomainError):
        services.submit_feedback(plan=posted, body="x", token=old)
    assert not CitizenFeedback.objects.exists()


def test_the_honeypot_stores_nothing(posted: CultivationPlan) -> None:
    result = services.submit_feedback(
        plan=posted, body="spam", token=tokens.feedback_token(posted.pk), honeypot="http://x"
    )
    assert result is None and not CitizenFeedback.objects.exists()


def test_feedback_on_an_unposted_plan_is_refused(leader: User, wards: list[Unit]) -> None:
    plan = _write(leader, wards[0])
    with pytest.raises(DomainError):
        services.submit_feedback(plan=plan, body="x", token=tokens.feedback_token(plan.pk))


def test_a_head_appointed_later_in_the_year_is_required(wards: list[Unit]) -> None:
    position = Position.objects.get(unit=wards[2], type__key="chu_tich_ubnd")
    person = create_person(actor=None, full_name="Trần Văn Mới")
    appoint_person(actor=None, position=position, person=person, start=dt.date.today())
    assert any(h.person_id == person.pk for h in selectors.required_heads([wards[2].pk], YEAR))
