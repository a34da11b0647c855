"""Write every leader's report and the district summary of a round into a folder."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from phieukin.reports.services import FORMATS, render_round
from phieukin.rounds.models import Round


class Command(BaseCommand):
    help = "Render the reports of ROUND (id or title) as PDF, DOCX and XLSX into --out."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round", help="round id, or its exact title (e.g. 'Đợt II/2026')")
        parser.add_argument("--out", required=True, help="output folder (created if missing)")
        parser.add_argument(
            "--formats",
            default=",".join(FORMATS),
            help="comma-separated formats among pdf, docx, xlsx (default: all)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        key = str(options["round"])
        qs = Round.objects.filter(pk=int(key)) if key.isdigit() else Round.objects.filter(title=key)
        rounds = list(qs[:2])
        if len(rounds) != 1:
            raise CommandError(f"Round {key!r} not found (or ambiguous).")
        formats = [f.strip() for f in str(options["formats"]).split(",") if f.strip()]
        unknown = [f for f in formats if f not in FORMATS]
        if unknown or not formats:
            raise CommandError(f"Unknown format(s): {', '.join(unknown) or '(none)'}")
        started = time.perf_counter()

        def progress(done: int, total: int, label: str) -> None:
            width = 30
            filled = int(width * done / total) if total else width
            bar = "#" * filled + "-" * (width - filled)
            self.stderr.write(f"\r[{bar}] {done}/{total} {label[:48]:<48}", ending="")
            if done == total:
                self.stderr.write("")
            self.stderr.flush()

        paths = render_round(
            round=rounds[0], out_dir=Path(options["out"]), formats=formats, progress=progress
        )
        self.stdout.write(
            f"{len(paths)} files written to {options['out']} "
            f"in {time.perf_counter() - started:.1f} s"
        )
