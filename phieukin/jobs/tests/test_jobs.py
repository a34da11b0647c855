"""Background work runs once, reports its progress, fails visibly and can be retried."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from django.urls import reverse

from phieukin.accounts.models import User
from phieukin.core.errors import DomainError
from phieukin.jobs import registry
from phieukin.jobs.models import Job, JobState
from phieukin.jobs.services import enqueue, retry_job, run_job

pytestmark = pytest.mark.django_db

CALLS: list[str] = []


def _flaky(job: Job, progress: registry.Progress) -> registry.Outcome:
    CALLS.append(str(job.pk))
    progress(1, 2, "bước một")
    if CALLS.count(str(job.pk)) == 1:
        raise DomainError("Máy in hết giấy.")
    return registry.Outcome(data=b"xong", filename="ket-qua.txt")


def _fan(job: Job, progress: registry.Progress) -> registry.Outcome:
    return registry.Outcome(
        parts=tuple(registry.Part("test.piece", {"n": n}) for n in range(3)),
        assemble="test.join",
    )


def _piece(job: Job, progress: registry.Progress) -> registry.Outcome:
    return registry.Outcome(data=str(job.params["n"]).encode(), filename="p.txt")


def _join(job: Job, progress: registry.Progress) -> registry.Outcome:
    from django.core.files.storage import default_storage

    pieces = []
    for part in job.parts.all():
        with default_storage.open(part.result) as handle:
            pieces.append(handle.read())
    pieces.sort()
    return registry.Outcome(data=b"+".join(pieces), filename="all.txt")


for _name, _run in (
    ("test.flaky", _flaky),
    ("test.fan", _fan),
    ("test.piece", _piece),
    ("test.join", _join),
):
    with contextlib.suppress(RuntimeError):  # registered by an earlier import of this module
        registry.register(_name, _run)


@pytest.fixture(autouse=True)
def _inline(settings: Any, tmp_path: Any) -> None:
    settings.PHIEUKIN_JOBS_INLINE = True
    settings.MEDIA_ROOT = str(tmp_path)


def test_a_failed_job_shows_its_reason_and_succeeds_when_retried(
    django_user_model: Any, django_capture_on_commit_callbacks: Any
) -> None:
    user = django_user_model.objects.create_user("a", password="x" * 14)
    with django_capture_on_commit_callbacks(execute=True):
        job = enqueue(actor=user, kind="test.flaky", params={})
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error == "Máy in hết giấy."
    with django_capture_on_commit_callbacks(execute=True):
        retry_job(actor=user, job=job)
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert job.attempts == 2
    assert job.result_name == "ket-qua.txt"


def test_a_job_delivered_twice_runs_once(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = enqueue(actor=None, kind="test.piece", params={"n": 7})
    run_job(job.pk)  # a second delivery of the same task
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert job.attempts == 1


def test_parts_run_separately_and_the_last_one_assembles_the_result(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = enqueue(actor=None, kind="test.fan", params={})
    job.refresh_from_db()
    assert job.state == JobState.DONE
    assert job.parts.count() == 3
    assert (job.done, job.total) == (3, 3)
    from django.core.files.storage import default_storage

    with default_storage.open(job.result) as handle:
        assert handle.read() == b"0+1+2"


def test_only_the_person_who_started_a_job_follows_it(
    client: Any, django_user_model: Any, django_capture_on_commit_callbacks: Any
) -> None:
    owner = django_user_model.objects.create_user("owner", password="x" * 14)
    other = django_user_model.objects.create_user("other", password="x" * 14)
    with django_capture_on_commit_callbacks(execute=True):
        job = enqueue(actor=owner, kind="test.flaky", params={"title": "Bộ báo cáo"})
    client.force_login(other)
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert client.post(reverse("jobs:retry", args=[job.pk])).status_code == 404
    assert b"B\xe1\xbb\x99 b\xc3\xa1o c\xc3\xa1o" not in client.get(reverse("jobs:index")).content
    client.force_login(owner)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Bộ báo cáo" in page and "Máy in hết giấy." in page


def test_a_running_job_page_refreshes_itself_without_script(
    client: Any, django_user_model: Any
) -> None:
    owner: User = django_user_model.objects.create_user("owner", password="x" * 14)
    job = Job.objects.create(kind="test.piece", params={"n": 1}, created_by=owner)
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, done=3, total=12)
    client.force_login(owner)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert 'value="25"' in page
