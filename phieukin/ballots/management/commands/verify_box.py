"""Recompute a sealed box; exit non-zero naming what differs when it was altered."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from phieukin.ballots import services
from phieukin.rounds.models import BallotBox


class Command(BaseCommand):
    help = "Verify sealed ballot box BOX: exit 0 when intact, 1 with the differences otherwise."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("box", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        box = BallotBox.objects.filter(pk=options["box"]).first()
        if box is None:
            raise CommandError(f"No ballot box {options['box']}.")
        report = services.verify_box(box=box)
        if report.ok:
            self.stdout.write(f"box {box.pk} intact, digest {report.digest}")
            return
        for problem in report.problems:
            self.stderr.write(f"box {box.pk}: {problem}")
        sys.exit(1)
