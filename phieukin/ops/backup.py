"""Back up and restore the database and the stored files as one consistent set.

A backup is a folder: the database (a consistent SQLite copy made with SQLite's online
backup API, or a ``pg_dump`` custom-format archive), every stored file (scans, signed
minutes, evidence) read through Django's storage API, and ``manifest.json`` with the
SHA-256 of each part plus what a restore must find again: the digest of every sealed box
and a digest of every published round's tally. A restore goes into an empty database only,
checks every hash first, and then proves itself by verifying each sealed box and
recomputing each published tally.

A backup holds what the database holds: open boxes only as ciphertexts, sealed boxes in
shuffled order without codes. It must be kept like the database itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from phieukin.core.errors import DomainError

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_DIR = "media"


@dataclass
class RestoreReport:
    """What a restore found: boxes and tallies checked, and anything that differs."""

    boxes_verified: int = 0
    tallies_identical: int = 0
    files_restored: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _program(name: str) -> str:
    """Return the full path of a PostgreSQL client program (override with PG_BIN_DIR)."""
    directory = os.environ.get("PG_BIN_DIR")
    found = str(Path(directory) / name) if directory else shutil.which(name)
    if not found:
        raise DomainError(
            _("%(name)s was not found: install the PostgreSQL client programs.") % {"name": name},
            code="no_pg_client",
        )
    return found


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise DomainError(_("Backups support SQLite and PostgreSQL only."), code="bad_engine")
    return vendor


def _pg_env() -> dict[str, str]:
    conf = connection.settings_dict
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if conf.get(key):
            env[name] = str(conf[key])
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    return env


def _storage_files(top: str = "") -> Iterator[str]:
    try:
        dirs, files = default_storage.listdir(top)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{top}/{name}" if top else name
    for sub in sorted(dirs):
        yield from _storage_files(f"{top}/{sub}" if top else sub)


def _tally_digest(document: dict[str, Any]) -> str:
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _expected_state() -> dict[str, Any]:
    # The ops layer sits on top and reads the domain apps it proves after a restore.
    from phieukin.ballots.models import Seal
    from phieukin.rounds.lifecycle import RoundState
    from phieukin.rounds.models import Round
    from phieukin.tallying.selectors import round_tally_document

    seals = {str(box_id): digest for box_id, digest in Seal.objects.values_list("box_id", "digest")}
    tallies = {
        str(rnd.pk): _tally_digest(round_tally_document(rnd))
        for rnd in Round.objects.filter(state=RoundState.PUBLISHED.value).order_by("pk")
    }
    return {"seals": seals, "published_tallies": tallies}


def create_backup(*, out: Path) -> Path:
    """Write a new backup folder under *out* and return its path."""
    engine = _engine()
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    target = out / f"phieukin-backup-{stamp}"
    suffix = 1
    while target.exists():
        suffix += 1
        target = out / f"phieukin-backup-{stamp}-{suffix}"
    target.mkdir(parents=True)
    parts: dict[str, str] = {}
    if engine == "sqlite":
        db_file = target / "database.sqlite3"
        connection.ensure_connection()
        destination = sqlite3.connect(db_file)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
    else:
        db_file = target / "database.pgdump"
        subprocess.run(  # noqa: S603 — a client program, arguments from settings
            [
                _program("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={db_file}",
                str(connection.settings_dict["NAME"]),
            ],
            env=_pg_env(),
            check=True,
            capture_output=True,
        )
    parts[db_file.name] = _sha256(db_file)
    media_root = target / MEDIA_DIR
    media: dict[str, str] = {}
    for name in _storage_files():
        dest = media_root / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as src, dest.open("wb") as out_file:
            shutil.copyfileobj(src, out_file)
        media[name] = _sha256(dest)
    manifest = {
        "format": FORMAT,
        "engine": engine,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "database": parts,
        "media": media,
        **_expected_state(),
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), "utf-8")
    return target


def read_manifest(source: Path) -> dict[str, Any]:
    """Return the manifest of the backup in *source*, its files' hashes checked."""
    path = source / MANIFEST
    if not path.is_file():
        message = _("%(path)s is not a backup folder.") % {"path": source}
        raise DomainError(message, code="no_backup")
    manifest: dict[str, Any] = json.loads(path.read_text("utf-8"))
    if manifest.get("format") != FORMAT:
        raise DomainError(_("Unknown backup format."), code="bad_format")
    for name, digest in {**manifest["database"]}.items():
        if not (source / name).is_file() or _sha256(source / name) != digest:
            raise DomainError(
                _("The backup file %(name)s is missing or damaged.") % {"name": name},
                code="damaged",
            )
    for name, digest in manifest["media"].items():
        file = source / MEDIA_DIR / name
        if not file.is_file() or _sha256(file) != digest:
            raise DomainError(
                _("The stored file %(name)s is missing or damaged.") % {"name": name},
                code="damaged",
            )
    return manifest


def database_is_empty() -> bool:
    """Return whether the default database has no tables (a restore's only target)."""
    return not connection.introspection.table_names()


def restore_backup(*, source: Path) -> RestoreReport:
    """Restore the backup in *source* into the empty database and prove the result."""
    manifest = read_manifest(source)
    engine = _engine()
    if manifest["engine"] != engine:
        raise DomainError(
            _("This backup is of a %(engine)s database.") % {"engine": manifest["engine"]},
            code="bad_engine",
        )
    if not database_is_empty():
        raise DomainError(
            _("The database is not empty: restore only into a new, empty database."),
            code="not_empty",
        )
    (db_name,) = manifest["database"]
    if engine == "sqlite":
        path = str(connection.settings_dict["NAME"])
        connection.close()
        src = sqlite3.connect(source / db_name)
        dest = sqlite3.connect(path)
        try:
            src.backup(dest)
        finally:
            src.close()
            dest.close()
    else:
        connection.close()
        subprocess.run(  # noqa: S603 — a client program, arguments from settings
            [
                _program("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={connection.settings_dict['NAME']}",
                str(source / db_name),
            ],
            env=_pg_env(),
            check=True,
            capture_output=True,
        )
    report = RestoreReport()
    for name in manifest["media"]:
        if default_storage.exists(name):
            continue
        with (source / MEDIA_DIR / name).open("rb") as handle:
            saved = default_storage.save(name, File(handle))
        if saved != name:
            message = _("File %(name)s was stored under another name.") % {"name": name}
            report.problems.append(message)
        report.files_restored += 1
    _prove(manifest, report)
    return report


def _prove(manifest: dict[str, Any], report: RestoreReport) -> None:
    # See _expected_state: the top layer reads the domain apps to prove a restore.
    from phieukin.ballots.services import verify_box
    from phieukin.rounds.models import BallotBox

    state = _expected_state()
    for box_id, digest in manifest["seals"].items():
        box = BallotBox.objects.filter(pk=int(box_id)).first()
        if box is None or state["seals"].get(box_id) != digest:
            report.problems.append(_("Sealed box %(box)s is missing.") % {"box": box_id})
            continue
        result = verify_box(box=box)
        if not result.ok:
            report.problems.append(
                _("Sealed box %(box)s does not verify: %(why)s")
                % {"box": box_id, "why": "; ".join(str(p) for p in result.problems)}
            )
            continue
        report.boxes_verified += 1
    for round_id, digest in manifest["published_tallies"].items():
        if state["published_tallies"].get(round_id) != digest:
            report.problems.append(
                _("The published tally of round %(round)s differs.") % {"round": round_id}
            )
            continue
        report.tallies_identical += 1
