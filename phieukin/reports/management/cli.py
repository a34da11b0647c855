"""What the reports commands share: finding a round, a progress bar, following a job."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import CommandError, OutputWrapper

from phieukin.jobs.models import Job, JobState
from phieukin.jobs.registry import Progress
from phieukin.rounds.models import Round


def find_round(key: str) -> Round:
    """Return the round with id ``key``, or with exactly that title; else a CommandError."""
    qs = Round.objects.filter(pk=int(key)) if key.isdigit() else Round.objects.filter(title=key)
    rounds = list(qs[:2])
    if len(rounds) != 1:
        raise CommandError(f"Round {key!r} not found (or ambiguous).")
    return rounds[0]


def progress_bar(stream: OutputWrapper) -> Progress:
    """Return a progress callback drawing a one-line bar on ``stream`` (the command's stderr)."""

    def progress(done: int, total: int, label: str) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        stream.write(f"\r[{bar}] {done}/{total} {label[:48]:<48}", ending="")
        if done == total:
            stream.write("")
        stream.flush()

    return progress


def follow_job(job: Job, progress: Progress, *, poll: float = 0.5) -> tuple[Job, int]:
    """Wait for a queued job, drawing its parts' progress; return it and its total steps.

    A failed job raises CommandError with the job's own message.
    """
    while True:
        job.refresh_from_db()
        parts: list[Any] = list(job.parts.values_list("done", "total"))
        total = sum(t for _d, t in parts) or 1
        done = sum(d for d, _t in parts)
        if job.state == JobState.DONE:
            progress(total, total, "")
            return job, total
        if job.state == JobState.FAILED:
            raise CommandError(job.error)
        progress(min(done, total - 1), total, job.label)
        time.sleep(poll)
