"""Build a round's report pages (and leaders' PDFs) before anyone opens them."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from phieukin.jobs.models import JobState
from phieukin.jobs.services import enqueue
from phieukin.reports import jobs, warming
from phieukin.rounds.models import Round


class Command(BaseCommand):
    help = (
        "Build the report pages of ROUND (its summary's pages, each commune's page, each "
        "leader's page and PDF) into the pages cache, as publication does on the queue."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--round", required=True, help="round id, or its exact title (e.g. 'Đợt II/2026')"
        )
        parser.add_argument(
            "--queue",
            action="store_true",
            help="run on the queue's workers (in parts, in parallel) and follow the progress",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        key = str(options["round"])
        qs = Round.objects.filter(pk=int(key)) if key.isdigit() else Round.objects.filter(title=key)
        rounds = list(qs[:2])
        if len(rounds) != 1:
            raise CommandError(f"Round {key!r} not found (or ambiguous).")
        rnd = rounds[0]
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
            built = self._queued(rnd, progress)
        else:
            built = warming.warm_round(rnd, progress)
        self.stdout.write(
            f"{built} pages and files of {rnd.title} ready in the pages cache "
            f"in {time.perf_counter() - started:.1f} s"
        )

    def _queued(self, rnd: Round, progress: Callable[[int, int, str], None]) -> int:
        job = enqueue(actor=None, kind=jobs.WARM, params=jobs.warm_params(rnd.pk))
        while True:
            job.refresh_from_db()
            parts = list(job.parts.values_list("done", "total"))
            total = sum(t for _d, t in parts) or 1
            done = sum(d for d, _t in parts)
            if job.state == JobState.DONE:
                progress(total, total, "")
                return total
            if job.state == JobState.FAILED:
                raise CommandError(job.error)
            progress(min(done, total - 1), total, job.label)
            time.sleep(0.5)
