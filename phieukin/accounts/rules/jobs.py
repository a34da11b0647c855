"""Background work: who follows, retries and downloads a job."""

from __future__ import annotations

from typing import Any

from phieukin.accounts.access import rule


@rule("job.view_all")
def view_all_jobs(actor: Any, obj: Any) -> bool:
    """The system administrator follows everyone's work."""
    return bool(actor.is_superuser)


@rule("job.view")
def view_job(actor: Any, job: Any) -> bool:
    """A job is followed by whoever started it (and the administrator)."""
    return bool(actor.is_superuser or job.created_by_id == actor.pk)


@rule("job.retry")
def retry_job(actor: Any, job: Any) -> bool:
    """Whoever may follow a job may retry it when it failed."""
    return view_job(actor, job)
