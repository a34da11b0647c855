"""Build a round's report pages (and leaders' PDFs) before anyone opens them."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from phieukin.jobs.services import enqueue
from phieukin.reports import jobs, warming
from phieukin.reports.management.cli import find_round, follow_job, progress_bar


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
        rnd = find_round(str(options["round"]))
        started = time.perf_counter()
        progress = progress_bar(self.stderr)
        if options["queue"]:
            job = enqueue(actor=None, kind=jobs.WARM, params=jobs.warm_params(rnd.pk))
            _job, built = follow_job(job, progress)
        else:
            built = warming.warm_round(rnd, progress)
        self.stdout.write(
            f"{built} pages and files of {rnd.title} ready in the pages cache "
            f"in {time.perf_counter() - started:.1f} s"
        )
