"""Finish scrubbing the deleted pre-seal copies of sealed boxes (exit 1 while some stay)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from phieukin.ballots import services
from phieukin.ballots.models import Seal


class Command(BaseCommand):
    help = (
        "Scrub the open-box tables (PostgreSQL: VACUUM FULL; SQLite: WAL checkpoint) so that "
        "no deleted pre-seal copy stays in the database files; waits up to --wait seconds for "
        "older transactions to end. Exit 0 when every sealed box is scrubbed, 1 otherwise."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--wait", type=float, default=60.0, help="seconds to wait (60)")

    def handle(self, *args: Any, **options: Any) -> None:
        report = services.scrub_sealed_boxes(actor=None, wait_seconds=options["wait"])
        if report.complete:
            self.stdout.write(f"scrubbed ({report.attempts} attempt(s))")
            return
        left = ", ".join(f"{name}={n}" for name, n in sorted(report.leftovers.items()))
        pending = Seal.objects.filter(scrubbed_at__isnull=True).count()
        self.stderr.write(
            f"not scrubbed yet ({left}); {pending} sealed box(es) wait: another session "
            "still holds an older transaction. Run again when it has ended."
        )
        sys.exit(1)
