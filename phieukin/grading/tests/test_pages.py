"""Every page of both exercises, for every persona: the right answer, never a crash.

Also the navigation entries and the dashboard panels.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse

from phieukin.grading import demo as grading_demo
from phieukin.grading.models import Grading, GradingYear
from phieukin.selfcheck import demo as selfcheck_demo
from phieukin.selfcheck.models import Session

ALL = ["district_organiser", "standing", "ward_organiser", "counter", "leader", "outsider"]
BACK_OFFICE = ["district_organiser", "standing", "ward_organiser", "counter", "outsider"]
SESSION_READERS = ["district_organiser", "standing", "ward_organiser"]
GRADING_READERS = ["district_organiser", "standing", "ward_organiser", "leader"]
YEAR_READERS = [*GRADING_READERS, "outsider"]

PAGES: list[tuple[str, str, list[str], int]] = [
    ("selfcheck:index", "", ALL, 403),
    ("selfcheck:checklists", "", BACK_OFFICE, 403),
    ("selfcheck:checklist", "checklist", BACK_OFFICE, 403),
    ("selfcheck:create", "", ["district_organiser", "ward_organiser", "outsider"], 403),
    ("selfcheck:session", "session", SESSION_READERS, 404),
    ("selfcheck:report", "pdf", SESSION_READERS, 404),
    ("selfcheck:report", "docx", SESSION_READERS, 404),
    ("selfcheck:report", "xlsx", SESSION_READERS, 404),
    ("grading:index", "", ALL, 403),
    ("grading:year", "year", YEAR_READERS, 404),
    ("grading:grading", "grading", GRADING_READERS, 404),
    ("grading:review_form", "grading", GRADING_READERS, 404),
]


@pytest.fixture
def demo(
    district: Any, district_organiser: Any, standing: Any, ward_organiser: Any, leader: Any
) -> dict[str, list[Any]]:
    selfcheck_demo.seed(stdout=io.StringIO())
    grading_demo.seed(stdout=io.StringIO())
    session = Session.objects.get(period="2023")
    year = GradingYear.objects.get(year=2025)
    own = Grading.objects.get(year=year, person=leader.person)
    return {
        "": [],
        "checklist": [session.checklist_id],
        "session": [session.pk],
        "pdf": [session.pk, "pdf"],
        "docx": [session.pk, "docx"],
        "xlsx": [session.pk, "xlsx"],
        "year": [year.pk],
        "grading": [own.pk],
    }


def test_each_page_answers_each_persona_as_its_role_allows(
    as_persona: Any, demo: dict[str, list[Any]], counter: Any, outsider: Any
) -> None:
    # One world for every page and persona: the demo is built once, not per case.
    wrong = []
    for persona in ["anonymous", *ALL]:
        client = as_persona(persona)
        for name, arg, allowed, denied in PAGES:
            response = client.get(reverse(name, args=demo[arg]))
            if persona == "anonymous":
                ok = response.status_code == 302 and response["Location"].startswith(
                    reverse("accounts:login")
                )
            else:
                ok = response.status_code == (200 if persona in allowed else denied)
            if not ok:
                wrong.append(f"{persona} {name} {arg}: {response.status_code}")
    assert not wrong, wrong


def test_the_menu_and_the_dashboard_lead_to_both_exercises(
    as_persona: Any, demo: dict[str, list[Any]]
) -> None:
    page = as_persona("district_organiser").get(reverse("console:dashboard")).content.decode()
    assert f'href="{reverse("selfcheck:index")}"' in page
    assert f'href="{reverse("grading:index")}"' in page
    assert 'id="dash-selfcheck"' in page and 'id="dash-grading"' in page
    leader = as_persona("leader").get(reverse("console:dashboard")).content.decode()
    assert f'href="{reverse("grading:index")}"' in leader
    assert f'href="{reverse("selfcheck:index")}"' not in leader
    assert 'id="dash-grading"' in leader
