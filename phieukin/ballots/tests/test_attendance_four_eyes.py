"""Attendance under four eyes: once a box is open, one member proposes a change and
another confirms it; only then do the figures change. Both steps are audited, and the
reconciliation names who proposed and who confirmed, on the web and through the API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from phieukin.accounts.access import AccessDenied
from phieukin.api.auth import create_api_token
from phieukin.audit.models import AuditEvent
from phieukin.ballots import selectors
from phieukin.ballots import services as ballots
from phieukin.core.errors import Conflict
from phieukin.rounds.models import AttendanceProposal, BallotBox, Conference, ProposalState
from phieukin.rounds.services import confirm_attendance, propose_attendance, record_attendance


def _figures(box: BallotBox) -> tuple[int, int]:
    conference = Conference.objects.get(pk=box.conference_id)
    return conference.invited_count, conference.present_count


@pytest.fixture
def opened(box: BallotBox, ward_organiser: Any) -> BallotBox:
    record_attendance(actor=ward_organiser, conference=box.conference, invited=40, present=30)
    ballots.open_box(actor=None, box=box)
    return box


def _api(user: Any, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    auth = f"Bearer {create_api_token(user=user, name='four-eyes')}"
    url = f"/api/v1/admin/boxes{path}"
    if method == "get":
        return Client().get(url, HTTP_AUTHORIZATION=auth)
    return Client().post(
        url, json.dumps(body or {}), content_type="application/json", HTTP_AUTHORIZATION=auth
    )


def test_the_ward_organiser_proposes_on_the_web_and_a_counter_confirms_it(
    as_persona: Any, opened: BallotBox, ward_organiser: Any, counter: Any
) -> None:
    organiser_page = as_persona("ward_organiser")
    organiser_page.post(f"/ballots/{opened.pk}/attendance/propose/", {"invited": 40, "present": 35})
    assert _figures(opened) == (40, 30)  # nothing changes on one person's word
    proposal = AttendanceProposal.objects.get(conference_id=opened.conference_id)
    assert proposal.state == ProposalState.PENDING
    page = as_persona("counter").get(f"/ballots/{opened.pk}/").content.decode()
    assert f"/ballots/{opened.pk}/attendance/{proposal.pk}/confirm/" in page
    as_persona("counter").post(f"/ballots/{opened.pk}/attendance/{proposal.pk}/confirm/")
    assert _figures(opened) == (40, 35)
    proposal.refresh_from_db()
    assert (proposal.state, proposal.confirmed_by) == (ProposalState.CONFIRMED, counter)
    actions = list(
        AuditEvent.objects.filter(action__startswith="conference.attendance")
        .order_by("id")
        .values_list("action", "actor_id")
    )
    assert actions[-2:] == [
        ("conference.attendance_proposed", ward_organiser.pk),
        ("conference.attendance", counter.pk),
    ]
    confirmed = selectors.figure_entries(opened)[-1]
    assert confirmed.after_opening
    assert str(ward_organiser) in confirmed.actor and str(counter) in confirmed.actor
    ballots.close_box(actor=counter, box=opened)
    reconciliation = as_persona("counter").get(f"/ballots/{opened.pk}/").content.decode()
    assert str(ward_organiser) in reconciliation and str(counter) in reconciliation


def test_a_counter_proposes_through_the_api_and_the_ward_organiser_confirms(
    opened: BallotBox, ward_organiser: Any, counter: Any
) -> None:
    made = _api(
        counter, "post", f"/{opened.pk}/attendance/proposals", {"invited": 41, "present": 33}
    )
    assert made.status_code == 201, made.content
    assert made.json()["state"] == "pending" and made.json()["proposed_by"] == str(counter)
    assert _figures(opened) == (40, 30)
    listed = _api(ward_organiser, "get", f"/{opened.pk}/attendance/proposals")
    assert [p["id"] for p in listed.json()] == [made.json()["id"]]
    done = _api(
        ward_organiser, "post", f"/{opened.pk}/attendance/proposals/{made.json()['id']}/confirm"
    )
    assert done.status_code == 200, done.content
    assert done.json()["counts"]["present"] == 33
    assert _figures(opened) == (41, 33)


def test_the_proposer_cannot_confirm_their_own_proposal(
    as_persona: Any, opened: BallotBox, counter: Any
) -> None:
    proposal = propose_attendance(
        actor=counter, conference=opened.conference, invited=40, present=39
    )
    with pytest.raises(Conflict) as refused:
        confirm_attendance(actor=counter, proposal=proposal)
    assert refused.value.code == "own_proposal"
    answer = _api(counter, "post", f"/{opened.pk}/attendance/proposals/{proposal.pk}/confirm")
    assert answer.status_code == 409 and answer.json()["code"] == "own_proposal"
    page = as_persona("counter")
    assert (
        f"attendance/{proposal.pk}/confirm/"
        not in page.get(f"/ballots/{opened.pk}/").content.decode()
    )
    page.post(f"/ballots/{opened.pk}/attendance/{proposal.pk}/confirm/")
    assert _figures(opened) == (40, 30)


def test_two_organisers_without_a_counter_cannot_change_attendance(
    opened: BallotBox, ward_organiser: Any, district_organiser: Any
) -> None:
    proposal = propose_attendance(
        actor=ward_organiser, conference=opened.conference, invited=40, present=38
    )
    with pytest.raises(AccessDenied):
        confirm_attendance(actor=district_organiser, proposal=proposal)
    answer = _api(
        district_organiser, "post", f"/{opened.pk}/attendance/proposals/{proposal.pk}/confirm"
    )
    assert answer.status_code == 403
    assert _figures(opened) == (40, 30)


def test_nobody_outside_the_ward_proposes_or_confirms(
    opened: BallotBox, outsider: Any, counter: Any, standing: Any
) -> None:
    with pytest.raises(AccessDenied):
        propose_attendance(actor=outsider, conference=opened.conference, invited=9, present=9)
    with pytest.raises(AccessDenied):
        propose_attendance(actor=standing, conference=opened.conference, invited=9, present=9)
    proposal = propose_attendance(
        actor=counter, conference=opened.conference, invited=40, present=31
    )
    for user in (outsider, standing):
        with pytest.raises(AccessDenied):
            confirm_attendance(actor=user, proposal=proposal)
    assert _figures(opened) == (40, 30)


def test_changing_attendance_alone_after_opening_is_refused_even_to_a_counter(
    opened: BallotBox, counter: Any
) -> None:
    with pytest.raises(Conflict) as refused:
        record_attendance(actor=counter, conference=opened.conference, invited=40, present=39)
    assert refused.value.code == "attendance_needs_confirmation"
    answer = _api(counter, "post", f"/{opened.pk}/attendance", {"invited": 40, "present": 39})
    assert answer.status_code == 409
    assert _figures(opened) == (40, 30)


def test_a_later_proposal_replaces_a_pending_one(
    opened: BallotBox, ward_organiser: Any, counter: Any
) -> None:
    first = propose_attendance(
        actor=ward_organiser, conference=opened.conference, invited=40, present=32
    )
    second = propose_attendance(actor=counter, conference=opened.conference, invited=40, present=34)
    with pytest.raises(Conflict) as refused:
        confirm_attendance(actor=counter, proposal=first)
    assert refused.value.code == "proposal_not_pending"
    confirm_attendance(actor=ward_organiser, proposal=second)
    assert _figures(opened) == (40, 34)
    first.refresh_from_db()
    assert first.state == ProposalState.SUPERSEDED


def test_nothing_changes_after_counting_began_or_after_sealing(
    opened: BallotBox, ward_organiser: Any, counter: Any
) -> None:
    pending = propose_attendance(
        actor=ward_organiser, conference=opened.conference, invited=40, present=36
    )
    ballots.close_box(actor=counter, box=opened)
    ballots.seal_box(actor=counter, box=opened, acknowledge_mismatch=True)
    with pytest.raises(Conflict) as refused:
        confirm_attendance(actor=counter, proposal=pending)
    assert refused.value.code == "attendance_frozen"
    with pytest.raises(Conflict):
        propose_attendance(actor=counter, conference=opened.conference, invited=40, present=37)
    answer = _api(counter, "post", f"/{opened.pk}/attendance/proposals/{pending.pk}/confirm")
    assert answer.status_code == 409
    answer = _api(
        counter, "post", f"/{opened.pk}/attendance/proposals", {"invited": 1, "present": 1}
    )
    assert answer.status_code == 409
    assert _figures(opened) == (40, 30)
    assert ballots.verify_box(box=opened).ok
