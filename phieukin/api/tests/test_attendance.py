"""The admin API's attendance endpoint answers exactly as the web page does."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from phieukin.api.auth import create_api_token
from phieukin.rounds.models import BallotBox, Conference


def _post_api(user: Any, box: BallotBox, invited: int, present: int) -> int:
    token = create_api_token(user=user, name="attendance")
    response = Client().post(
        f"/api/v1/admin/boxes/{box.pk}/attendance",
        {"invited": invited, "present": present},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    return response.status_code


@pytest.mark.parametrize("persona", ["standing", "counter"])
def test_roles_the_page_refuses_are_refused_by_the_api_too(
    request: Any, as_persona: Any, persona: str, box: BallotBox
) -> None:
    page = reverse("rounds:conference", args=[box.conference_id])
    assert as_persona(persona).post(page, {"invited": 9, "present": 9}).status_code == 403
    assert _post_api(request.getfixturevalue(persona), box, 9, 9) == 403
    conference = Conference.objects.get(pk=box.conference_id)
    assert (conference.invited_count, conference.present_count) == (0, 0)


def test_the_ward_organiser_records_attendance_through_the_api(
    ward_organiser: Any, box: BallotBox
) -> None:
    assert _post_api(ward_organiser, box, 30, 28) == 200
    conference = Conference.objects.get(pk=box.conference_id)
    assert (conference.invited_count, conference.present_count) == (30, 28)
