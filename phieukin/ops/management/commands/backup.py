"""Write a backup of the database and the stored files into a new folder under --out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from phieukin.core.errors import DomainError
from phieukin.ops.backup import create_backup


class Command(BaseCommand):
    help = "Back up the database (SQLite copy or pg_dump) and every stored file into --out."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="folder for the backup")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            folder = create_backup(out=options["out"])
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(_("Backup written to %(path)s") % {"path": folder})
