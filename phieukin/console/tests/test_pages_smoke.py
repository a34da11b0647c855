"""Every back-office page, rendered for every persona: the right answer, never a crash."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from phieukin.rounds.models import Conference

ALL = ["district_organiser", "standing", "ward_organiser", "counter", "leader", "outsider"]
BACK_OFFICE = ["district_organiser", "standing", "ward_organiser", "counter", "outsider"]


def _expected(allowed: list[str], persona: str, denied: int = 403) -> int:
    if persona == "anonymous":
        return 302
    return 200 if persona in allowed else denied


PAGES: list[tuple[str, str, list[str], int]] = [
    ("console:dashboard", "", ALL, 403),
    ("rounds:list", "", ALL, 403),
    ("rounds:create", "", ["district_organiser"], 403),
    ("rounds:detail", "round", ALL, 404),
    ("rounds:live", "round", ALL, 404),
    # The first ward's conference: the outsider (second ward) must not find it.
    ("rounds:conference", "conference", [p for p in ALL if p != "outsider"], 404),
    ("units:list", "", BACK_OFFICE, 403),
    ("units:leaders", "", BACK_OFFICE, 403),
    ("questionnaires:list", "", BACK_OFFICE, 403),
    ("questionnaires:detail", "questionnaire", BACK_OFFICE, 403),
    ("questionnaires:download", "questionnaire", BACK_OFFICE, 403),
    ("questionnaires:upload", "", ["district_organiser"], 403),
    ("audit:events", "", ["district_organiser", "standing"], 403),
]


@pytest.mark.parametrize("persona", ["anonymous", *ALL])
@pytest.mark.parametrize(("name", "arg", "allowed", "denied"), PAGES)
def test_each_page_answers_each_persona_as_its_role_allows(
    as_persona: Any,
    open_round_: Any,
    wards: Any,
    persona: str,
    name: str,
    arg: str,
    allowed: list[str],
    denied: int,
) -> None:
    args = {
        "": [],
        "round": [open_round_.pk],
        "conference": [Conference.objects.get(round=open_round_, unit=wards[0]).pk],
        "questionnaire": [open_round_.questionnaire_id],
    }[arg]
    response = as_persona(persona).get(reverse(name, args=args))
    assert response.status_code == _expected(allowed, persona, denied)
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("accounts:login"))


def test_the_login_page_renders_in_vietnamese(client: Any, db: Any) -> None:
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "Đăng nhập" in response.content.decode()
