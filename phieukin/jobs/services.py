"""Queue, run and retry background work.

Where the work runs depends on the installation, never on the caller:
- ``CELERY_BROKER_URL`` set: a Celery task on the queue's workers (``phieukin.jobs.tasks``);
- ``PHIEUKIN_JOBS_INLINE`` true (the tests): right after the enqueuing transaction commits,
  in the same thread;
- otherwise (``make run``, no extra server): a background thread of the web process, so the
  work goes on when the page that started it is closed.
Every job is claimed with a conditional ``UPDATE`` (queued → running), so a job delivered
twice runs once.
"""

from __future__ import annotations

import functools
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import close_old_connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from phieukin.accounts.access import authorize
from phieukin.core.errors import Conflict, DomainError
from phieukin.jobs import registry
from phieukin.jobs.models import Job, JobState

logger = logging.getLogger(__name__)
_THREADS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="phieukin-job")


def enqueue(*, actor: Any, kind: str, params: dict[str, Any]) -> Job:
    """Queue a job of *kind* for *actor* after checking that they may start it."""
    handler = registry.kind(kind)
    if handler.check is not None:
        handler.check(actor, params)
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind, params=params, created_by=actor if getattr(actor, "pk", None) else None
        )
        transaction.on_commit(lambda: dispatch(job.pk))
    return job


def dispatch(job_id: Any) -> None:
    """Hand the job to wherever this installation runs work (see the module docstring)."""
    if getattr(settings, "PHIEUKIN_JOBS_INLINE", False):
        run_job(job_id)
    elif getattr(settings, "CELERY_BROKER_URL", ""):
        # Imported here: the Celery app is only loaded where a broker is configured.
        from phieukin.jobs.tasks import run_job_task

        run_job_task.delay(str(job_id))
    else:
        _THREADS.submit(_in_thread, job_id)


def _in_thread(job_id: Any) -> None:
    close_old_connections()
    try:
        run_job(job_id)
    finally:
        close_old_connections()


def _progress(job: Job) -> registry.Progress:
    def report(done: int, total: int, label: str) -> None:
        Job.objects.filter(pk=job.pk).update(done=done, total=total, label=label[:200])

    return report


def run_job(job_id: Any) -> None:
    """Run the job *job_id* if it is still waiting (claimed once, whoever delivers it)."""
    claimed = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1, error=""
    )
    if not claimed:
        return
    job = Job.objects.get(pk=job_id)
    try:
        outcome = registry.kind(job.kind).run(job, _progress(job))
    except DomainError as exc:
        _fail(job, str(exc))
        return
    except Exception:
        logger.exception("background job %s (%s) failed", job.pk, job.kind)
        _fail(
            job,
            _(
                "The work stopped because of an unexpected error. Retry it; if it fails "
                "again, tell the administrator."
            ),
        )
        return
    if outcome.parts:
        _fan_out(job, outcome)
        return
    _finish(job, outcome)


def _store(job: Job, outcome: registry.Outcome) -> tuple[str, str]:
    if outcome.data is None:
        return "", ""
    name = default_storage.save(f"jobs/{job.pk}/{outcome.filename}", ContentFile(outcome.data))
    return name, outcome.filename


def _finish(job: Job, outcome: registry.Outcome) -> None:
    result, result_name = _store(job, outcome)
    Job.objects.filter(pk=job.pk).update(
        state=JobState.DONE,
        result=result,
        result_name=result_name,
        finished_at=timezone.now(),
        done=F("total"),
    )
    if job.parent_id is not None:
        _part_finished(job.parent_id)


def _fail(job: Job, message: str) -> None:
    Job.objects.filter(pk=job.pk).update(
        state=JobState.FAILED, error=message, finished_at=timezone.now()
    )
    if job.parent_id is not None:
        Job.objects.filter(pk=job.parent_id, state=JobState.RUNNING).update(
            state=JobState.FAILED,
            error=_("A part of this work failed: %(error)s") % {"error": message},
            finished_at=timezone.now(),
        )


def _fan_out(job: Job, outcome: registry.Outcome) -> None:
    with transaction.atomic():
        parts = Job.objects.bulk_create(
            Job(kind=p.kind, params=p.params, parent=job, created_by_id=job.created_by_id)
            for p in outcome.parts
        )
        Job.objects.filter(pk=job.pk).update(
            total=len(parts),
            done=0,
            params={**job.params, "_assemble": outcome.assemble},
            label=_("%(count)d parts queued") % {"count": len(parts)},
        )
        for part in parts:
            transaction.on_commit(functools.partial(dispatch, part.pk))


def _part_finished(parent_id: Any) -> None:
    with transaction.atomic():
        parent = Job.objects.select_for_update().get(pk=parent_id)
        done = parent.parts.filter(state=JobState.DONE).count()
        Job.objects.filter(pk=parent.pk).update(done=done)
        if parent.state != JobState.RUNNING or done < parent.parts.count():
            return
        # The last part to finish assembles the result, under the parent's row lock.
        try:
            outcome = registry.kind(parent.params["_assemble"]).run(parent, _progress(parent))
        except Exception:
            logger.exception("assembling background job %s failed", parent.pk)
            _fail(parent, _("The parts were done but could not be put together. Retry it."))
            return
        result, result_name = _store(parent, outcome)
        Job.objects.filter(pk=parent.pk).update(
            state=JobState.DONE,
            result=result,
            result_name=result_name,
            finished_at=timezone.now(),
        )


def retry_job(*, actor: Any, job: Job) -> Job:
    """Queue a failed job again (only its failed parts when it has parts)."""
    authorize(actor, "job.retry", job)
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if locked.state != JobState.FAILED:
            raise Conflict(_("Only failed work can be retried."), code="job_not_failed")
        failed_parts = list(locked.parts.filter(state=JobState.FAILED))
        if failed_parts:
            Job.objects.filter(pk__in=[p.pk for p in failed_parts]).update(
                state=JobState.QUEUED, error=""
            )
            Job.objects.filter(pk=locked.pk).update(state=JobState.RUNNING, error="")
            for part in failed_parts:
                transaction.on_commit(functools.partial(dispatch, part.pk))
        else:
            Job.objects.filter(pk=locked.pk).update(state=JobState.QUEUED, error="")
            transaction.on_commit(lambda: dispatch(locked.pk))
    job.refresh_from_db()
    return job


def result_file(job: Job) -> Any:
    """Open the finished job's result file from storage."""
    if job.state != JobState.DONE or not job.result:
        raise Conflict(_("This work has no file yet."), code="job_no_result")
    return default_storage.open(job.result, "rb")
