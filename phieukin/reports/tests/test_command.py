"""The render_reports command writes every leader's report and the district summary."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from phieukin.rounds.models import Round, Subject

pytestmark = pytest.mark.django_db


def test_it_writes_one_file_per_leader_and_format_plus_the_summary(
    sealed_round: Round, tmp_path: Path
) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "render_reports",
        str(sealed_round.pk),
        "--out",
        str(tmp_path),
        "--formats",
        "pdf,xlsx",
        stdout=out,
        stderr=err,
    )
    files = sorted(p.name for p in tmp_path.iterdir())
    leaders = Subject.objects.filter(conference__round=sealed_round).count()
    assert len(files) == 2 * (leaders + 1)
    assert sum(name.startswith("tong-hop-") for name in files) == 2
    assert all((tmp_path / name).stat().st_size > 1000 for name in files)
    assert f"{2 * (leaders + 1)}/{2 * (leaders + 1)}" in err.getvalue()
    assert "files written" in out.getvalue()


def test_it_refuses_an_unknown_round_or_format(sealed_round: Round, tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command("render_reports", "999999", "--out", str(tmp_path))
    with pytest.raises(CommandError):
        call_command(
            "render_reports", sealed_round.title, "--out", str(tmp_path), "--formats", "odt"
        )
