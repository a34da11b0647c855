"""The dashboard: rounds, participation and live box counts — never ballot content."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.urls import reverse

from phieukin.ballots.services import SheetInput, cast_ballot, generate_codes, open_box
from phieukin.questionnaires.shapes import item_shapes
from phieukin.rounds.models import Conference
from phieukin.rounds.services import record_attendance


def test_it_shows_participation_and_live_counts_without_content(
    as_persona: Any, district_organiser: Any, box: Any, wards: Any
) -> None:
    open_box(actor=district_organiser, box=box)
    record_attendance(actor=None, conference=box.conference, invited=50, present=45)
    codes = generate_codes(actor=None, box=box, count=5)
    subjects = list(box.conference.subjects.all())
    answers: dict[str, str | None] = {
        shape.key: "kha" for shape in item_shapes(box.conference.round.questionnaire)
    }
    answers["nd01"] = "yeu"
    cast_ballot(
        code=codes[0],
        sheets=[
            SheetInput(subject_id=s.pk, answers=answers, comment="bí mật xyz") for s in subjects
        ],
    )
    html = as_persona("ward_organiser").get(reverse("console:dashboard")).content.decode()
    assert "45 / 50" in html
    assert "90 %" in html
    assert "1 / 5" in html  # codes used / issued
    assert f'<td class="num">{len(subjects)}</td>' in html  # ballots received
    assert "bí mật xyz" not in html
    assert "Yếu" not in html


def test_the_dashboard_writes_large_numbers_with_a_thousands_dot(
    as_persona: Any, open_round_: Any, wards: Any
) -> None:
    conference = Conference.objects.get(round=open_round_, unit=wards[0])
    record_attendance(actor=None, conference=conference, invited=1500, present=1427)
    html = as_persona("district_organiser").get(reverse("console:dashboard")).content.decode()
    assert "1.427 / 1.500" in html
    # What a person reads: the text between tags (a link's id may hold the same digits).
    text = re.sub(r"<[^>]*>", " ", html)
    assert "1427" not in text and "1500" not in text


def test_a_ward_organiser_sees_only_their_ward_on_the_dashboard(
    as_persona: Any, open_round_: Any, wards: Any
) -> None:
    html = as_persona("ward_organiser").get(reverse("console:dashboard")).content.decode()
    own = Conference.objects.get(round=open_round_, unit=wards[0])
    other = Conference.objects.get(round=open_round_, unit=wards[1])
    assert reverse("rounds:conference", args=[own.pk]) in html
    assert reverse("rounds:conference", args=[other.pk]) not in html


def test_the_dashboard_shows_dates_as_day_month_year(as_persona: Any, open_round_: Any) -> None:
    html = as_persona("district_organiser").get(reverse("console:dashboard")).content.decode()
    assert "20/11/2026" in html


def test_the_dashboard_query_count_does_not_grow_with_the_number_of_wards(
    as_persona: Any, draft_round: Any, wards: Any
) -> None:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from phieukin.rounds.services import add_conference
    from phieukin.units.models import PositionType

    client = as_persona("district_organiser")
    client.get(reverse("console:dashboard"))  # warm the session
    with CaptureQueriesContext(connection) as three:
        client.get(reverse("console:dashboard"))
    with transaction.atomic():
        for ward in wards[3:10]:
            add_conference(
                round=draft_round,
                ward=ward,
                held_on=dt.date(2026, 11, 20),
                position_types=PositionType.objects.all(),
            )
    with CaptureQueriesContext(connection) as ten:
        html = client.get(reverse("console:dashboard")).content.decode()
    assert html.count("rounds/conferences/") == 10
    assert len(ten.captured_queries) == len(three.captured_queries)
