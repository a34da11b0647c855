"""Attendance: who records it, and when it can no longer change.

The figures are part of the box's reconciliation (present = codes used + paper returned)
and of the seal's record, so they freeze when counting begins.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from phieukin.ballots import services as ballots
from phieukin.core.errors import Conflict
from phieukin.rounds.models import BallotBox, Conference
from phieukin.rounds.services import record_attendance


def _page(box: BallotBox) -> str:
    return reverse("rounds:conference", args=[box.conference_id])


def test_once_the_box_is_open_one_person_alone_cannot_change_attendance(
    as_persona: Any, counter: Any, box: BallotBox
) -> None:
    """Four eyes: the change is proposed and confirmed on the box's page (see
    ballots/tests/test_attendance_four_eyes.py); the conference page changes nothing."""
    ballots.open_box(actor=None, box=box)
    page = as_persona("counter")
    assert 'name="present"' not in page.get(_page(box)).content.decode()
    response = page.post(_page(box), {"invited": 40, "present": 38})
    assert response.status_code == 409
    conference = Conference.objects.get(pk=box.conference_id)
    assert (conference.invited_count, conference.present_count) == (0, 0)


def test_attendance_cannot_change_once_the_box_is_closed_for_counting(
    as_persona: Any, ward_organiser: Any, counter: Any, box: BallotBox
) -> None:
    record_attendance(actor=ward_organiser, conference=box.conference, invited=40, present=38)
    ballots.open_box(actor=None, box=box)
    ballots.close_box(actor=None, box=box)
    response = as_persona("counter").post(_page(box), {"invited": 40, "present": 2})
    assert response.status_code == 409
    assert Conference.objects.get(pk=box.conference_id).present_count == 38
    with pytest.raises(Conflict) as refused:
        record_attendance(actor=counter, conference=box.conference, invited=40, present=2)
    assert refused.value.code == "attendance_frozen"


def test_a_sealed_box_keeps_its_attendance_and_still_verifies(
    as_persona: Any, ward_organiser: Any, counter: Any, box: BallotBox
) -> None:
    record_attendance(actor=ward_organiser, conference=box.conference, invited=40, present=0)
    ballots.open_box(actor=None, box=box)
    ballots.close_box(actor=None, box=box)
    ballots.seal_box(actor=None, box=box, acknowledge_mismatch=True)
    for persona in ("ward_organiser", "counter"):
        as_persona(persona).post(_page(box), {"invited": 50, "present": 45})
    conference = Conference.objects.get(pk=box.conference_id)
    assert (conference.invited_count, conference.present_count) == (40, 0)
    assert ballots.verify_box(box=box).ok
    with pytest.raises(Conflict):
        record_attendance(actor=None, conference=box.conference, invited=50, present=45)


def test_the_page_offers_no_attendance_form_once_counting_began(
    as_persona: Any, ward_organiser: Any, counter: Any, box: BallotBox
) -> None:
    ballots.open_box(actor=None, box=box)
    ballots.close_box(actor=None, box=box)
    for persona in ("ward_organiser", "counter"):
        html = as_persona(persona).get(_page(box)).content.decode()
        assert 'name="present"' not in html
