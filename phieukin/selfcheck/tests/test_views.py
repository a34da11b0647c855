"""The self-check pages: import, record a session, name expressions, follow them up."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from phieukin.accounts.models import User
from phieukin.selfcheck import checklist as parser
from phieukin.selfcheck.models import Checklist, Finding, FindingStatus, Session
from phieukin.selfcheck.tests.test_checklist import checklist_yaml
from phieukin.units.models import Unit

pytestmark = pytest.mark.django_db


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_organiser_imports_a_workbook_of_25_and_sees_its_drafts(
    district_organiser: User,
) -> None:
    data = parser.dump_xlsx(parser.parse_yaml(checklist_yaml(25)))
    client = as_user(district_organiser)
    response = client.post(
        "/selfchecks/checklists/", {"file": SimpleUploadedFile("ct24.xlsx", data)}
    )
    checklist = Checklist.objects.get()
    assert response.status_code == 302
    page = client.get(f"/selfchecks/checklists/{checklist.pk}/").content.decode()
    assert "25 biểu hiện" in page or "25 expressions" in page
    assert page.count('<span class="badge draft" title=') == 20


def test_a_broken_upload_shows_the_line(district_organiser: User) -> None:
    text = "code: a\nitems:\n  - id: a\n    text: A\n  - id: a\n    text: B\n"
    response = as_user(district_organiser).post(
        "/selfchecks/checklists/", {"file": SimpleUploadedFile("x.yaml", text.encode())}
    )
    assert response.status_code == 200
    assert " 5:" in response.content.decode()
    assert not Checklist.objects.exists()


def test_a_ward_office_cannot_import(ward_organiser: User) -> None:
    as_user(ward_organiser).post(
        "/selfchecks/checklists/",
        {"file": SimpleUploadedFile("x.yaml", checklist_yaml(3).encode())},
    )
    assert not Checklist.objects.exists()


def test_the_office_records_a_session_and_a_finding_and_follows_it_up(
    checklist: Checklist, wards: list[Unit], ward_organiser: User
) -> None:
    client = as_user(ward_organiser)
    response = client.post(
        "/selfchecks/new/",
        {
            "unit": wards[0].pk,
            "period": "2023",
            "checklist": checklist.pk,
            "held_on": "2023-09-15",
            "participants": 45,
            "speakers": 13,
        },
    )
    session = Session.objects.get()
    assert response.status_code == 302 and session.speakers == 13
    entry = session.entries.get()
    item = checklist.items.get(order=16)
    client.post(
        f"/selfchecks/{session.pk}/findings/",
        {
            "entry": entry.pk,
            "item": item.pk,
            "remedy": "Rà soát quy trình",
            "follow_up_by": "Ủy ban kiểm tra",
            "due_on": "2023-12-31",
        },
    )
    finding = Finding.objects.get()
    client.post(
        f"/selfchecks/{session.pk}/findings/{finding.pk}/",
        {"status": FindingStatus.DONE, "note": "Đã xong"},
    )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.DONE and finding.done_on is not None
    index = client.get("/selfchecks/?period=2023").content.decode()
    assert session.title in index


def test_another_ward_cannot_open_or_post_to_the_session(session: Session, outsider: User) -> None:
    client = as_user(outsider)
    assert client.get(f"/selfchecks/{session.pk}/").status_code == 404
    response = client.post(f"/selfchecks/{session.pk}/individuals/", {"name": "X"})
    assert response.status_code == 404
    assert session.entries.count() == 1


def test_the_standing_committee_reads_but_may_not_record(session: Session, standing: User) -> None:
    client = as_user(standing)
    assert client.get(f"/selfchecks/{session.pk}/").status_code == 200
    response = client.post(f"/selfchecks/{session.pk}/individuals/", {"name": "X"})
    assert response.status_code == 403
    assert session.entries.count() == 1


def test_a_leader_may_not_read_the_checklists(checklist: Checklist, leader: User) -> None:
    assert as_user(leader).get("/selfchecks/checklists/").status_code == 403
