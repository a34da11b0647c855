"""Import a list of units (name, code, kind, parent, validity) from XLSX or CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from phieukin.core.errors import DomainError
from phieukin.core.uploads import validate_upload
from phieukin.units.services import (
    UNIT_LIST_ACCEPTED,
    UNIT_LIST_KINDS,
    UNIT_LIST_MAX_BYTES,
    UnitImportError,
    import_units,
)


class Command(BaseCommand):
    help = "Import a list of units from an XLSX or CSV file; print every error with its line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        with translation.override("vi"):
            try:
                with path.open("rb") as handle:
                    # Kind and size from the file's first bytes and its length, before
                    # the whole file is read.
                    validate_upload(
                        File(handle),
                        kinds=UNIT_LIST_KINDS,
                        max_bytes=UNIT_LIST_MAX_BYTES,
                        accepted=UNIT_LIST_ACCEPTED,
                    )
                    data = handle.read()
                result = import_units(actor=None, data=data, filename=path.name)
            except UnitImportError as exc:
                for error in exc.errors:
                    self.stderr.write(str(error))
                raise CommandError(str(exc.message)) from exc
            except DomainError as exc:
                raise CommandError(str(exc.message)) from exc
            self.stdout.write(
                f"{len(result.created)} đơn vị mới, {len(result.updated)} đơn vị cập nhật."
            )
