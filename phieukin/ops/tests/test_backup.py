"""A backup restored into an empty database gives back every sealed box and tally."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

from phieukin.core.errors import DomainError
from phieukin.ops.backup import create_backup, database_is_empty, read_manifest, restore_backup
from phieukin.rounds.models import BallotBox, Round
from phieukin.rounds.services import close_round, publish_round
from phieukin.tallying.selectors import round_tally_document
from tests.adversarial.conftest import run_session

pytestmark = pytest.mark.django_db(transaction=True)


def _empty_database() -> None:
    """Drop every table, as a brand-new database would be."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in connection.introspection.table_names():
                cursor.execute(f'DROP TABLE "{table}"')
    assert database_is_empty()


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def published(open_round_: Round, media: Path) -> Round:
    for box in BallotBox.objects.filter(conference__round=open_round_).order_by("pk"):
        run_session(box, typist=None, online=5, typed=1)
    default_storage.save("signed/bien-ban.pdf", ContentFile(b"%PDF-1.4 signed minutes"))
    close_round(actor=None, round=open_round_)
    return publish_round(actor=None, round=open_round_)


def test_a_restore_into_an_empty_database_verifies_every_box_and_tally(
    published: Round, tmp_path: Path, media: Path
) -> None:
    tally_before = round_tally_document(published)
    folder = create_backup(out=tmp_path / "backups")
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert len(manifest["seals"]) == 3
    assert list(manifest["published_tallies"]) == [str(published.pk)]

    _empty_database()
    default_storage.delete("signed/bien-ban.pdf")

    report = restore_backup(source=folder)

    assert report.problems == []
    assert report.boxes_verified == 3
    assert report.tallies_identical == 1
    assert report.files_restored == 1
    with default_storage.open("signed/bien-ban.pdf") as restored:
        assert restored.read() == b"%PDF-1.4 signed minutes"
    assert round_tally_document(Round.objects.get(pk=published.pk)) == tally_before


def test_a_restore_refuses_a_database_that_is_not_empty(published: Round, tmp_path: Path) -> None:
    folder = create_backup(out=tmp_path / "backups")
    with pytest.raises(DomainError) as refused:
        restore_backup(source=folder)
    assert refused.value.code == "not_empty"


def test_a_damaged_backup_is_refused_before_anything_is_written(
    published: Round, tmp_path: Path
) -> None:
    folder = create_backup(out=tmp_path / "backups")
    damaged = folder / "media" / "signed" / "bien-ban.pdf"
    damaged.write_bytes(damaged.read_bytes() + b"x")
    with pytest.raises(DomainError) as refused:
        read_manifest(folder)
    assert refused.value.code == "damaged"


def test_the_commands_check_then_restore(published: Round, tmp_path: Path, capsys: Any) -> None:
    call_command("backup", "--out", str(tmp_path / "b"))
    (folder,) = (tmp_path / "b").iterdir()
    call_command("restore", str(folder))
    checked = capsys.readouterr().out
    assert "3" in checked and "--confirm" in checked
    assert not database_is_empty()  # a check alone writes nothing
