"""Reads of background jobs, scoped: a user sees the work they started."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from phieukin.accounts.access import can
from phieukin.jobs.models import Job


def jobs_for(user: Any) -> QuerySet[Job]:
    """Return the top-level jobs *user* may follow, newest first."""
    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    query = Job.objects.filter(parent__isnull=True)
    if can(user, "job.view_all"):
        return query
    return query.filter(created_by=user)
