"""Follow background work: progress, the result file, retry after a failure."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from phieukin.accounts.access import AccessDenied, can
from phieukin.core.errors import DomainError
from phieukin.jobs import selectors, services
from phieukin.jobs.models import Job, JobState


def _job(request: HttpRequest, job_id: str) -> Job:
    job = get_object_or_404(Job, pk=job_id, parent__isnull=True)
    if not can(request.user, "job.view", job):
        raise Http404  # another person's work is not revealed to exist
    return job


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """List the work the user started."""
    return render(request, "jobs/index.html", {"jobs": selectors.jobs_for(request.user)[:50]})


@login_required
def detail(request: HttpRequest, job_id: str) -> HttpResponse:
    """Show a job's progress; the page refreshes itself (no script) until it ends."""
    job = _job(request, job_id)
    running = job.state in (JobState.QUEUED, JobState.RUNNING)
    return render(
        request,
        "jobs/detail.html",
        {"job": job, "running": running, "failed_parts": job.parts.filter(state=JobState.FAILED)},
    )


@login_required
def download(request: HttpRequest, job_id: str) -> FileResponse:
    """Download the finished job's file."""
    job = _job(request, job_id)
    try:
        handle = services.result_file(job)
    except DomainError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=job.result_name)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def retry(request: HttpRequest, job_id: str) -> HttpResponse:
    """Queue a failed job again."""
    job = _job(request, job_id)
    try:
        services.retry_job(actor=request.user, job=job)
    except AccessDenied as exc:
        raise Http404 from exc
    except DomainError:
        pass  # Already running again (a double click): the page shows its state.
    return redirect("jobs:detail", job_id=job.pk)
