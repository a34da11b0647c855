"""The omr_scan command: evidence, reading, JSON summary, progress on stderr."""

from __future__ import annotations

import io
import json
from pathlib import Path

import cv2
import pytest
from django.core.management import CommandError, call_command

from phieukin.ballots.models import PendingBallot
from phieukin.paper.corpus import deck as synth
from phieukin.paper.layout import build_layout
from phieukin.paper.models import ScanFile
from phieukin.paper.services import print_ballots
from phieukin.questionnaires.selectors import questionnaire_spec
from phieukin.rounds.models import BallotBox

pytestmark = pytest.mark.django_db


def test_it_reads_files_and_prints_a_json_summary(open_box_: BallotBox, tmp_path: Path) -> None:
    layout = build_layout(questionnaire_spec(open_box_.conference.round.questionnaire))
    images = synth.render_images(print_ballots(actor=None, box=open_box_, copies=1), 150)
    rng = __import__("numpy").random.default_rng(3)
    files = []
    for n in (1, 2):
        page = layout.page(n)
        truth = {it.key: synth.Truth("fill", 0, (0,)) for it in page.items}
        marked = synth.ink_page(images[n - 1], page, truth, 150, rng)
        path = tmp_path / f"p{n}.png"
        cv2.imwrite(str(path), marked)
        files.append(str(path))
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"\xff\xd8\xff" + b"not a jpeg")  # starts like a JPEG, unreadable
    files.append(str(junk))
    out, err = io.StringIO(), io.StringIO()
    call_command("omr_scan", str(open_box_.pk), *files, "--json", stdout=out, stderr=err)
    summary = json.loads(out.getvalue())
    assert summary["pages_total"] == 3
    assert summary["pages_read"] == 2
    assert summary["ballots_entered"] == 1
    assert summary["items_waiting_for_review"] == 0
    assert [r["file"] for r in summary["pages_refused"]] == ["junk.jpg"]
    assert summary["pages_refused"][0]["reason"]
    assert "3/3" in err.getvalue()
    assert PendingBallot.objects.get(box=open_box_).source == "scanned"
    assert ScanFile.objects.filter(box=open_box_).count() == 3


def test_it_refuses_a_missing_file(open_box_: BallotBox) -> None:
    with pytest.raises(CommandError):
        call_command("omr_scan", str(open_box_.pk), "/nonexistent/scan.pdf")
