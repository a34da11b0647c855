"""Restore a backup folder into an empty database, then verify what it restored."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from phieukin.core.errors import DomainError
from phieukin.ops.backup import read_manifest, restore_backup


class Command(BaseCommand):
    help = (
        "Restore the backup in FOLDER into the (empty) database and its files into storage; "
        "without --confirm only check the backup's hashes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)
        parser.add_argument("--confirm", action="store_true", help="really restore")

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path = options["folder"]
        try:
            if not options["confirm"]:
                manifest = read_manifest(folder)
                self.stdout.write(
                    _(
                        "Backup intact: %(boxes)d sealed boxes, %(rounds)d published rounds, "
                        "%(files)d files. Add --confirm to restore it."
                    )
                    % {
                        "boxes": len(manifest["seals"]),
                        "rounds": len(manifest["published_tallies"]),
                        "files": len(manifest["media"]),
                    }
                )
                return
            report = restore_backup(source=folder)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        for problem in report.problems:
            self.stderr.write(problem)
        self.stdout.write(
            _(
                "Restored: %(boxes)d sealed boxes verify, %(tallies)d published tallies "
                "identical, %(files)d files."
            )
            % {
                "boxes": report.boxes_verified,
                "tallies": report.tallies_identical,
                "files": report.files_restored,
            }
        )
        if not report.ok:
            sys.exit(1)
