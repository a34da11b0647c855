"""The operator commands of DESIGN.md §5: open_box, seal_box, verify_box."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from phieukin.ballots import codes as codes_mod
from phieukin.ballots.models import Code
from phieukin.ballots.services import cast_ballot
from phieukin.ballots.tests.conftest import full_sheets
from phieukin.rounds.models import BallotBox, Round


def test_open_box_opens_the_wards_box_and_writes_its_codes(
    open_round_: Round, wards: list[Any], tmp_path: Path, capsys: Any
) -> None:
    out = tmp_path / "codes.txt"
    call_command("open_box", "--ward", wards[1].name, "--codes", "7", "--codes-out", str(out))
    box = BallotBox.objects.get(pk=int(capsys.readouterr().out.strip()))
    assert box.state == "open" and box.conference.unit == wards[1]
    lines = out.read_text().splitlines()
    assert len(lines) == 7 and all(codes_mod.is_well_formed(c) for c in lines)
    assert Code.objects.filter(box=box).count() == 7


def test_open_box_creates_a_round_when_none_is_open(
    district: Any, wards: list[Any], questionnaire: Any, tmp_path: Path, capsys: Any
) -> None:
    out = tmp_path / "codes.txt"
    call_command("open_box", "--ward", str(wards[5].pk), "--codes", "2", "--codes-out", str(out))
    box = BallotBox.objects.get(pk=int(capsys.readouterr().out.strip()))
    assert box.conference.round.state == "open"
    assert box.conference.subjects.count() >= 1


def test_open_box_names_an_unknown_ward(open_round_: Round) -> None:
    with pytest.raises(CommandError, match="No single ward"):
        call_command("open_box", "--ward", "Phường Không Có")


def test_seal_then_verify_then_tamper(
    open_round_: Round, wards: list[Any], tmp_path: Path, capsys: Any
) -> None:
    out = tmp_path / "codes.txt"
    call_command("open_box", "--ward", wards[0].name, "--codes", "3", "--codes-out", str(out))
    box = BallotBox.objects.get(pk=int(capsys.readouterr().out.strip()))
    for code in out.read_text().splitlines():
        cast_ballot(code=code, sheets=full_sheets(box, 1))
    with pytest.raises(CommandError, match="chưa khớp"):
        call_command("seal_box", str(box.pk))
    call_command("seal_box", str(box.pk), "--acknowledge-mismatch")
    assert "digest" in capsys.readouterr().out
    call_command("verify_box", str(box.pk))
    assert "intact" in capsys.readouterr().out
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ballots_ballot SET answers = '3' || substr(answers, 2) "
            "WHERE id = (SELECT min(id) FROM ballots_ballot)"
        )
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_box", str(box.pk))
    assert exit_info.value.code == 1
    assert "Các phiếu khác với lúc niêm phong" in capsys.readouterr().err
