"""Seal a closed ballot box from the command line (the counting committee's step).

``--shares-file`` names a file with the typed key shares, one a line (blank lines and
lines starting with ``#`` are skipped); at least the box's threshold of them are needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from phieukin.ballots import services
from phieukin.core.errors import DomainError
from phieukin.rounds.models import BallotBox


class Command(BaseCommand):
    help = "Seal ballot box BOX (closing it first if it is open); print the digest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("box", type=int)
        parser.add_argument("--shares-file", help="file with the typed key shares, one a line")
        parser.add_argument(
            "--acknowledge-mismatch",
            action="store_true",
            help="seal even when the counts do not reconcile (the committee has checked)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        box = BallotBox.objects.filter(pk=options["box"]).first()
        if box is None:
            raise CommandError(f"No ballot box {options['box']}.")
        shares: list[str] = []
        if options["shares_file"]:
            try:
                text = Path(options["shares_file"]).read_text(encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"Cannot read {options['shares_file']}: {exc}") from exc
            shares = [
                line.strip()
                for line in text.splitlines()
                if line.strip() and not line.lstrip().startswith("#")
            ]
        try:
            if box.state == "open":
                box = services.close_box(actor=None, box=box)
            seal = services.seal_box(
                actor=None,
                box=box,
                shares=shares if options["shares_file"] else None,
                acknowledge_mismatch=options["acknowledge_mismatch"],
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"sealed box {box.pk} digest {seal.digest}")
        if seal.scrubbed_at is None:
            self.stderr.write(
                "the deleted pre-seal copies are not scrubbed yet (another database session "
                "holds an older transaction): run `manage.py scrub_boxes` when it has ended"
            )
