"""Printable ballots: the committee page and the print_ballots command."""

from __future__ import annotations

from pathlib import Path

import pypdfium2
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from phieukin.accounts.models import User
from phieukin.audit.models import AuditEvent
from phieukin.paper.layout import build_layout
from phieukin.questionnaires.selectors import questionnaire_spec
from phieukin.rounds.models import BallotBox, Subject

pytestmark = pytest.mark.django_db


def _pages(pdf: bytes) -> int:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def _expected_pages(box: BallotBox, copies: int) -> int:
    layout = build_layout(questionnaire_spec(box.conference.round.questionnaire))
    leaders = Subject.objects.filter(conference=box.conference).count()
    return leaders * copies * layout.page_count


def test_the_committee_downloads_the_ballots_pdf(box: BallotBox, counter: User, client) -> None:
    client.force_login(counter)
    page = client.get(reverse("paper:print", args=[box.pk]))
    assert page.status_code == 200
    response = client.post(reverse("paper:print", args=[box.pk]), {"copies": 2})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert _pages(response.content) == _expected_pages(box, 2)
    event = AuditEvent.objects.get(action="paper.print")
    assert event.data == {"copies": 2}


def test_a_bad_number_of_copies_gets_a_clear_message(box: BallotBox, counter: User, client) -> None:
    client.force_login(counter)
    response = client.post(reverse("paper:print", args=[box.pk]), {"copies": 0})
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="paper.print").exists()


def test_the_print_ballots_command_writes_the_pdf(box: BallotBox, tmp_path: Path) -> None:
    out = tmp_path / "phieu.pdf"
    call_command("print_ballots", str(box.pk), "--copies", "1", "--out", str(out))
    assert _pages(out.read_bytes()) == _expected_pages(box, 1)


def test_the_print_ballots_command_refuses_an_unknown_box(db, tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command("print_ballots", "999999", "--copies", "1", "--out", str(tmp_path / "x.pdf"))
