"""Write every leader's report and the district summary of a round into a folder."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from phieukin.jobs.models import JobState
from phieukin.jobs.services import enqueue, result_file
from phieukin.reports import jobs
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

        if options["queue"]:
            paths = self._queued(rounds[0], formats, Path(options["out"]), progress)
        else:
            paths = render_round(
                round=rounds[0], out_dir=Path(options["out"]), formats=formats, progress=progress
            )
        self.stdout.write(
            f"{len(paths)} files written to {options['out']} "
            f"in {time.perf_counter() - started:.1f} s"
        )

    def _queued(
        self, rnd: Round, formats: list[str], out: Path, progress: Callable[[int, int, str], None]
    ) -> list[Path]:
        job = enqueue(
            actor=None,
            kind=jobs.SET,
            params={"round": rnd.pk, "formats": formats, "title": rnd.title},
        )
        while True:
            job.refresh_from_db()
            parts = list(job.parts.values_list("done", "total"))
            total = sum(t for _d, t in parts) or 1
            done = sum(d for d, _t in parts)
            if job.state == JobState.DONE:
                progress(total, total, "")
                break
            if job.state == JobState.FAILED:
                raise CommandError(job.error)
            progress(min(done, total - 1), total, job.label)
            time.sleep(0.5)
        with result_file(job) as handle:
            return jobs.render_set_to(out, handle.read())
