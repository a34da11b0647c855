"""Celery tasks: the queue's workers run background jobs through here."""

from __future__ import annotations

from celery import shared_task

from phieukin.jobs.services import run_job


@shared_task(name="phieukin.run_job", acks_late=True, ignore_result=True)
def run_job_task(job_id: str) -> None:
    """Run one job; the conditional claim in ``run_job`` makes a redelivery harmless."""
    run_job(job_id)
