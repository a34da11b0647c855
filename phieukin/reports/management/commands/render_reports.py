"""Write every leader's report and the district summary of a round into a folder."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from phieukin.jobs.registry import Progress
from phieukin.jobs.services import enqueue, result_file
from phieukin.reports import jobs
from phieukin.reports.management.cli import find_round, follow_job, progress_bar
from phieukin.reports.services import FORMATS, render_round
from phieukin.rounds.models import Round


class Command(BaseCommand):
    help = "Render the reports of ROUND (id or title) as PDF, DOCX and XLSX into --out."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round", help="round id, or its exact title (e.g. 'Đợt II/2026')")
        parser.add_argument("--out", required=True, help="output folder (created if missing)")
        parser.add_argument(
            "--queue",
            action="store_true",
            help="run on the queue's workers (in parts, in parallel) and follow the progress",
        )
        parser.add_argument(
            "--formats",
            default=",".join(FORMATS),
            help="comma-separated formats among pdf, docx, xlsx (default: all)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rnd = find_round(str(options["round"]))
        formats = [f.strip() for f in str(options["formats"]).split(",") if f.strip()]
        unknown = [f for f in formats if f not in FORMATS]
        if unknown or not formats:
            raise CommandError(f"Unknown format(s): {', '.join(unknown) or '(none)'}")
        started = time.perf_counter()
        progress = progress_bar(self.stderr)
        if options["queue"]:
            paths = self._queued(rnd, formats, Path(options["out"]), progress)
        else:
            paths = render_round(
                round=rnd, out_dir=Path(options["out"]), formats=formats, progress=progress
            )
        self.stdout.write(
            f"{len(paths)} files written to {options['out']} "
            f"in {time.perf_counter() - started:.1f} s"
        )

    def _queued(self, rnd: Round, formats: list[str], out: Path, progress: Progress) -> list[Path]:
        job = enqueue(
            actor=None,
            kind=jobs.SET,
            params={"round": rnd.pk, "formats": formats, "title": rnd.title},
        )
        job, _total = follow_job(job, progress)
        with result_file(job) as handle:
            return jobs.render_set_to(out, handle.read())
