"""A published round's report pages are built before anyone opens them, and only served
to the readers the views let in; a failed warm-up never undoes the publication."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from phieukin.accounts.models import User
from phieukin.jobs.models import Job, JobState
from phieukin.reports import charts, jobs, pages, services, warming
from phieukin.reports.services import RoundReports
from phieukin.reports.tests.conftest import subject_of
from phieukin.rounds.models import BallotBox, Round, Subject
from phieukin.rounds.services import publish_round

pytestmark = pytest.mark.django_db

DRAWINGS = (
    "stacked_options_chart",
    "score_bars_chart",
    "participation_chart",
    "heatmap_chart",
    "distribution_chart",
    "trend_chart",
)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _html(response: Any) -> str:
    """Return the page without its per-request CSRF tokens (masked anew on each render)."""
    assert response.status_code == 200
    return re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1", response.content.decode())


@pytest.fixture
def inline_jobs(settings: Any) -> None:
    settings.PHIEUKIN_JOBS_INLINE = True
    settings.PHIEUKIN_WARM_REPORTS = True


@pytest.fixture
def cold_caches() -> None:
    """Start with no chart drawn and no page built (the pages cache is emptied anyway)."""
    caches["charts"].clear()
    caches[pages.PAGE_CACHE].clear()


@pytest.fixture
def published(
    sealed_round: Round,
    inline_jobs: None,
    cold_caches: None,
    django_capture_on_commit_callbacks: Any,
) -> Round:
    """Publish the round as the organiser does; the warm-up runs when it commits."""
    with django_capture_on_commit_callbacks(execute=True):
        rnd = publish_round(actor=None, round=sealed_round)
    return rnd


@pytest.fixture
def drawings(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Record every chart drawn (the drawing itself still happens)."""
    drawn: list[str] = []
    for name in DRAWINGS:
        real = getattr(charts, name)

        def counted(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            drawn.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(charts, name, counted)
    yield drawn


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every leader report, summary and file built from the snapshots."""
    built: list[str] = []
    summary, leader = RoundReports.summary, RoundReports.leader
    render = services.render_leader_report

    def counted_summary(self: RoundReports, **kwargs: Any) -> Any:
        built.append("summary")
        return summary(self, **kwargs)

    def counted_leader(self: RoundReports, subject_id: int) -> Any:
        built.append(f"leader {subject_id}")
        return leader(self, subject_id)

    def counted_render(**kwargs: Any) -> Any:
        built.append(f"file {kwargs['fmt']}")
        return render(**kwargs)

    monkeypatch.setattr(RoundReports, "summary", counted_summary)
    monkeypatch.setattr(RoundReports, "leader", counted_leader)
    monkeypatch.setattr(pages, "render_leader_report", counted_render)
    return built


def test_publication_builds_every_page_of_the_round_on_the_queue_in_parts(
    published: Round,
) -> None:
    job = Job.objects.get(kind=jobs.WARM)
    assert job.state == JobState.DONE
    assert job.created_by is None
    assert job.params["title"] == f"Chuẩn bị trước các trang báo cáo của {published.title}"
    parts = list(job.parts.order_by("created_at"))
    # The summary's pages, then one part per commune (three communes).
    assert [bool(p.params.get("summary")) for p in parts] == [True, False, False, False]
    assert all(p.state == JobState.DONE for p in parts)


def test_after_publication_a_leaders_page_draws_no_chart_and_is_the_page_a_cold_build_gives(
    published: Round, leader: User, drawings: list[str], builds: list[str]
) -> None:
    subject = subject_of(leader, published)
    url = reverse("reports:leader", args=[published.pk, subject.pk])
    client = _client(leader)
    warm = _html(client.get(url))
    pdf = client.get(reverse("reports:leader_download", args=[published.pk, subject.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert drawings == [] and builds == []
    # The same page built from nothing: the warm-up kept exactly what the view builds.
    caches["charts"].clear()
    caches[pages.PAGE_CACHE].clear()
    cold = _html(client.get(url))
    assert sorted(drawings) == ["score_bars_chart", "stacked_options_chart"]
    assert builds == [f"leader {subject.pk}"]
    assert cold == warm


def test_after_publication_the_summary_pages_draw_no_chart(
    published: Round, standing: User, drawings: list[str], builds: list[str]
) -> None:
    client = _client(standing)
    url = reverse("reports:round", args=[published.pk])
    unit = Subject.objects.filter(conference__round=published).first()
    assert unit is not None
    warm = _html(client.get(url))
    _html(client.get(f"{url}?page=1"))
    _html(client.get(f"{url}?unit={unit.conference.unit_id}"))
    assert drawings == [] and builds == []
    caches["charts"].clear()
    caches[pages.PAGE_CACHE].clear()
    assert _html(client.get(url)) == warm
    assert builds == ["summary"]


def test_a_reader_without_access_still_gets_404_and_the_cache_is_not_read_for_them(
    published: Round,
    leader: User,
    other_leader: User,
    outsider: User,
    cache_reads: list[str],
) -> None:
    subject = subject_of(leader, published)
    read = cache_reads
    report = reverse("reports:leader", args=[published.pk, subject.pk])
    pdf = reverse("reports:leader_download", args=[published.pk, subject.pk, "pdf"])
    for user in (other_leader, outsider):
        client = _client(user)
        assert client.get(report).status_code == 404
        assert client.get(pdf).status_code == 404
    assert Client().get(report).status_code == 302  # to the sign-in page
    assert read == []
    # The leader reads their own report, from what the warm-up kept.
    assert _client(leader).get(report).status_code == 200
    assert len(read) == 1


def test_a_failed_warm_up_leaves_the_publication_done_and_the_page_built_on_first_view(
    sealed_round: Round,
    inline_jobs: None,
    cold_caches: None,
    leader: User,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
    drawings: list[str],
) -> None:
    def broken(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError("the chart cache is full")

    monkeypatch.setattr(warming, "warm_units", broken)
    with django_capture_on_commit_callbacks(execute=True):
        publish_round(actor=None, round=sealed_round)
    assert Round.objects.get(pk=sealed_round.pk).state == "published"
    job = Job.objects.get(kind=jobs.WARM)
    assert job.state == JobState.FAILED
    subject = subject_of(leader, sealed_round)
    url = reverse("reports:leader", args=[sealed_round.pk, subject.pk])
    drawn = len(drawings)  # the summary's part ran and drew the summary's charts
    assert _client(leader).get(url).status_code == 200
    assert sorted(drawings[drawn:]) == ["score_bars_chart", "stacked_options_chart"]


def test_a_warm_up_that_cannot_be_queued_leaves_the_publication_done(
    sealed_round: Round,
    inline_jobs: None,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def unreachable(**kwargs: Any) -> Job:
        raise ConnectionError("the broker is down")

    monkeypatch.setattr(jobs, "enqueue", unreachable)
    with (
        caplog.at_level(logging.WARNING, logger="phieukin.reports.jobs"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        publish_round(actor=None, round=sealed_round)
    assert Round.objects.get(pk=sealed_round.pk).state == "published"
    assert not Job.objects.exists()
    assert "built on their first view" in caplog.text


def test_nothing_is_queued_before_the_publication_commits_or_while_paused(
    sealed_round: Round, inline_jobs: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publish_round(actor=None, round=sealed_round)
    assert not Job.objects.exists()  # queued by the commit, not inside the transaction
    assert len(callbacks) == 1
    Round.objects.filter(pk=sealed_round.pk).update(state="closed")
    with warming.paused(), django_capture_on_commit_callbacks(execute=True) as callbacks:
        publish_round(actor=None, round=sealed_round)
    assert callbacks == [] and not Job.objects.exists()


def test_an_installation_may_turn_the_warm_up_off(
    sealed_round: Round,
    inline_jobs: None,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.PHIEUKIN_WARM_REPORTS = False
    with django_capture_on_commit_callbacks(execute=True):
        publish_round(actor=None, round=sealed_round)
    assert not Job.objects.exists()


def test_a_box_sealed_into_a_published_round_queues_the_warm_up_again(
    published: Round, django_capture_on_commit_callbacks: Any
) -> None:
    box = BallotBox.objects.filter(conference__round=published).first()
    assert box is not None
    with django_capture_on_commit_callbacks(execute=True):
        jobs.warm_after_late_seal(box)
    assert Job.objects.filter(kind=jobs.WARM, parent__isnull=True).count() == 2


def test_a_sealed_box_of_a_round_not_published_queues_nothing(
    sealed_round: Round, inline_jobs: None, django_capture_on_commit_callbacks: Any
) -> None:
    box = BallotBox.objects.filter(conference__round=sealed_round).first()
    assert box is not None
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        jobs.warm_after_late_seal(box)
    assert callbacks == []


def test_a_leader_cannot_queue_the_warm_up_of_a_round(
    sealed_round: Round, leader: User, district_organiser: User
) -> None:
    from phieukin.accounts.access import AccessDenied
    from phieukin.jobs.services import enqueue

    with pytest.raises(AccessDenied):
        enqueue(actor=leader, kind=jobs.WARM, params={"round": sealed_round.pk})
    assert enqueue(actor=district_organiser, kind=jobs.WARM, params={"round": sealed_round.pk})


def test_the_command_builds_a_rounds_pages_again(
    published: Round,
    cold_caches: None,
    leader: User,
    drawings: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command("warm_reports", "--round", str(published.pk))
    out = capsys.readouterr().out
    # One summary page, three communes' pages, six leaders' pages and six PDFs.
    assert f"16 pages and files of {published.title} ready" in out
    drawn = len(drawings)
    subject = subject_of(leader, published)
    url = reverse("reports:leader", args=[published.pk, subject.pk])
    assert _client(leader).get(url).status_code == 200
    assert len(drawings) == drawn
    with pytest.raises(CommandError):
        call_command("warm_reports", "--round", "Đợt không có")


@pytest.mark.django_db(transaction=True)
def test_the_command_follows_the_warm_up_on_the_queue(
    published: Round, cold_caches: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("warm_reports", "--round", published.title, "--queue")
    assert "ready in the pages cache" in capsys.readouterr().out
    assert Job.objects.filter(kind=jobs.WARM, parent__isnull=True, state=JobState.DONE).count() == 2
