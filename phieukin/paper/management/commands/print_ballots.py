"""Write the printable paper ballots of a box to a PDF file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from phieukin.core.errors import DomainError
from phieukin.paper.services import print_ballots
from phieukin.rounds.models import BallotBox


class Command(BaseCommand):
    help = "Write N printable paper ballots per leader of BOX to a PDF file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("box", type=int, help="ballot box id")
        parser.add_argument("--copies", type=int, required=True, help="copies per leader")
        parser.add_argument("--out", required=True, help="PDF file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        box = BallotBox.objects.filter(pk=options["box"]).first()
        if box is None:
            raise CommandError(f"No ballot box {options['box']}.")
        try:
            pdf = print_ballots(actor=None, box=box, copies=options["copies"])
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        Path(options["out"]).write_bytes(pdf)
        self.stdout.write(f"{options['out']}: {len(pdf)} bytes")
