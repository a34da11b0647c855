"""Record a reorganisation of the map described by a YAML file (one dated event)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from phieukin.core.errors import DomainError
from phieukin.units.services import LONG_BIEN_2025, import_reorganisation


class Command(BaseCommand):
    help = (
        "Record the reorganisation of a YAML file (default: the 01/07/2025 Long Biên one). "
        "--carry NEW_KEY=OLD_CODE keeps the holders of an old ward's posts in the new ward."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, nargs="?", default=LONG_BIEN_2025)
        parser.add_argument("--carry", action="append", default=[], metavar="NEW_KEY=OLD_CODE")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        carry: dict[str, str] = {}
        for pair in options["carry"]:
            key, _sep, code = pair.partition("=")
            if not code:
                raise CommandError(f"--carry {pair}: expected NEW_KEY=OLD_CODE")
            carry[key] = code
        with translation.override("vi"):
            try:
                result = import_reorganisation(
                    actor=None, text=path.read_text(encoding="utf-8"), carry_holders=carry
                )
            except DomainError as exc:
                raise CommandError(str(exc.message)) from exc
        reorg = result.reorganisation
        self.stdout.write(
            f"{reorg.effective:%d/%m/%Y} {reorg.title}: {len(result.ended)} kết thúc, "
            f"{len(result.created)} mới, {len(result.moved)} chuyển, "
            f"{len(result.appointed)} người tiếp tục giữ chức vụ."
        )
