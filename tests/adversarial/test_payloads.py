"""XSS, spreadsheet-formula and mathtext payloads in every text a report prints come out inert.

Leaders' names and titles, the ward's name, the round's title and every item and section
text are replaced by hostile strings before a round is sealed and published; then every
report (web, PDF, DOCX, XLSX) and the public CSV is downloaded. None answers 500; HTML
shows the payloads escaped; no workbook holds a formula cell or a formula-like text cell
Excel would run; the CSV has no cell that starts a formula; PDF and DOCX render the text.
"""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from phieukin.accounts.models import User
from phieukin.questionnaires.models import Item, Section
from phieukin.rounds.models import BallotBox, Round, Subject
from phieukin.units.models import Person, Unit
from tests.adversarial.test_access import world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
PAYLOADS = [
    f'=HYPERLINK("http://evil.example/","{XSS}")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "$\\frac{1}{0}$ $x^{2",
    XSS,
]
FORMULA_STARTS = ("=", "+", "-", "@")


@pytest.fixture
def hostile_world(request: Any, open_round_: Round, box: BallotBox, wards: list[Unit]) -> Any:
    questionnaire = open_round_.questionnaire
    items = list(Item.objects.filter(section__questionnaire=questionnaire).order_by("pk"))
    for n, item in enumerate(items):
        Item.objects.filter(pk=item.pk).update(text=PAYLOADS[n % len(PAYLOADS)] + f" {n}")
    for n, section in enumerate(Section.objects.filter(questionnaire=questionnaire)):
        Section.objects.filter(pk=section.pk).update(title=PAYLOADS[n % len(PAYLOADS)])
    for n, subject in enumerate(Subject.objects.filter(conference__round=open_round_)):
        payload = PAYLOADS[n % len(PAYLOADS)]
        Subject.objects.filter(pk=subject.pk).update(name=f"{payload} {n}", title=payload)
        Person.objects.filter(pk=subject.person_id).update(full_name=f"{payload} {n}")
    Round.objects.filter(pk=open_round_.pk).update(title="=1+1 $\\alpha$ " + XSS)
    Unit.objects.filter(pk=wards[0].pk).update(name="@cmd " + XSS)
    return request.getfixturevalue("world")


def _xlsx_is_inert(body: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    workbook = load_workbook(io.BytesIO(body))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    assert cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)


def test_reports_and_exports_keep_every_payload_inert(
    hostile_world: Any, district_organiser: User, box: BallotBox
) -> None:
    client = Client()
    client.force_login(district_organiser)
    ids = hostile_world["ids"]
    round_id = ids["round"]
    subject = Subject.objects.filter(conference_id=ids["conference"]).order_by("pk")[0]
    pages = [f"/reports/{round_id}/", f"/reports/{round_id}/leaders/{subject.pk}/"]
    for path in [*pages, f"/bulletin/{box.pk}/", f"/rounds/{round_id}/", "/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html, (
            path,
            html[max(0, html.find("<script>alert") - 300) : html.find("<script>alert") + 100],
        )
    assert "&lt;script&gt;alert" in client.get(pages[0]).content.decode()
    downloads = [f"/reports/{round_id}/summary.{fmt}" for fmt in ("pdf", "docx", "xlsx")] + [
        f"/reports/{round_id}/leaders/{subject.pk}/report.{fmt}" for fmt in ("pdf", "docx", "xlsx")
    ]
    for path in downloads:
        response = client.get(path)
        assert response.status_code == 200, path
        body = b"".join(response) if response.streaming else response.content
        if path.endswith(".xlsx"):
            _xlsx_is_inert(body)
        elif path.endswith(".pdf"):
            assert body.startswith(b"%PDF")
        else:
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                document = archive.read("word/document.xml").decode()
            assert "&lt;script&gt;alert" in document
            assert "<w:fldSimple" not in document and "<w:instrText" not in document
    rows = list(
        csv.reader(io.StringIO(client.get(f"/api/v1/boxes/{box.pk}/ballots.csv").content.decode()))
    )
    assert rows
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), cell
