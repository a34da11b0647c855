"""Report pages and downloads: thin views over the selectors and services.

Anything the user may not open answers 404, so a report's existence is not revealed.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_POST

from phieukin.core.errors import DomainError
from phieukin.jobs.services import enqueue
from phieukin.reports import history, jobs, pages, sections, selectors, services
from phieukin.reports.services import FORMATS, RoundReports
from phieukin.rounds.models import Round, Subject


def _round(request: HttpRequest, round_id: int) -> Round:
    return get_object_or_404(selectors.report_rounds_for(request.user), pk=round_id)


def _subject(request: HttpRequest, round_id: int, subject_id: int) -> Subject:
    rnd = _round(request, round_id)
    return get_object_or_404(selectors.reportable_subjects(request.user, rnd), pk=subject_id)


def _file(rendered: services.RenderedFile) -> HttpResponse:
    response = HttpResponse(rendered.data, content_type=rendered.content_type)
    response["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """List the rounds whose reports the user may open."""
    return render(
        request, "reports/index.html", {"rounds": selectors.report_rounds_for(request.user)}
    )


@login_required
def round_reports(request: HttpRequest, round_id: int) -> HttpResponse:
    """Show the district summary (organiser, Standing Committee) and the leaders' reports."""
    rnd = _round(request, round_id)
    subjects: list[Subject] = []
    means: dict[int, float | None] = {}
    page = None
    wards = []
    reports = RoundReports(rnd)
    # Access first: the cached content is only looked up for a reader the rules let in.
    if selectors.can_open_summary(request.user, rnd):
        # A city's or the country's round is read one page of wards at a time, with the
        # page's leaders' reports; built once per snapshot and kept in the pages cache.
        page = pages.summary_page_content(
            reports, page=request.GET.get("page"), unit=request.GET.get("unit")
        )
    else:
        subjects = list(selectors.reportable_subjects(request.user, rnd))
        wards = selectors.ward_results_for(request.user, rnd)
        if not subjects and not wards:
            raise Http404
        # A leader sees their own score in their own row (their report is theirs to read).
        means = {s.pk: reports.leader(s.pk).overall.mean for s in subjects}
    return render(
        request,
        "reports/round.html",
        {
            "round": rnd,
            "subjects": subjects,
            "rows": [(s, means.get(s.pk)) for s in subjects],
            "wards": wards,
            "page": page,
            "formats": FORMATS,
            "draft": not selectors.is_published(rnd),
            "can_view_log": selectors.can_view_access_log(request.user, rnd),
        },
    )


@login_required
def summary_download(request: HttpRequest, round_id: int, fmt: str) -> HttpResponse:
    """Download the district summary (XLSX: every aggregate and the anonymised ballots)."""
    rnd = _round(request, round_id)
    if fmt not in FORMATS or not selectors.can_open_summary(request.user, rnd):
        raise Http404
    return _file(services.render_district_summary(round=rnd, fmt=fmt))


@login_required
def leader_report(request: HttpRequest, round_id: int, subject_id: int) -> HttpResponse:
    """Show one leader's confidential report; the opening is recorded."""
    subject = _subject(request, round_id, subject_id)
    reports = RoundReports(subject.conference.round)
    # The scoped selector let the reader in; only now is the cached content looked up.
    page = pages.leader_page_content(reports, subject)
    services.record_report_access(actor=request.user, subject=subject, fmt="html")  # type: ignore[arg-type]
    response = render(
        request,
        "reports/leader.html",
        {
            "round": subject.conference.round,
            "subject": subject,
            "page": page,
            "formats": FORMATS,
            "draft": not selectors.is_published(subject.conference.round),
            "sections": sections.leader_sections(reports.subject(subject.pk)),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def ward_results(request: HttpRequest, round_id: int, unit_id: int) -> HttpResponse:
    """Show one ward's pooled results: the summary's readers, and the ward's own office."""
    rnd = _round(request, round_id)
    conference = next(
        (c for c in selectors.ward_results_for(request.user, rnd) if c.unit_id == unit_id), None
    )
    if conference is None:
        raise Http404
    content = RoundReports(rnd).ward(unit_id)
    response = render(
        request,
        "reports/ward.html",
        {"round": rnd, "conference": conference, "report": content},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def leader_download(request: HttpRequest, round_id: int, subject_id: int, fmt: str) -> HttpResponse:
    """Download one leader's report as PDF, DOCX or XLSX; the opening is recorded."""
    subject = _subject(request, round_id, subject_id)
    if fmt not in FORMATS:
        raise Http404
    # The scoped selector let the reader in; only now is the file built once per
    # snapshot looked up (or built and kept).
    rendered = pages.leader_file(RoundReports(subject.conference.round), subject, fmt)
    services.record_report_access(actor=request.user, subject=subject, fmt=fmt)  # type: ignore[arg-type]
    return _file(rendered)


@login_required
def access_log_view(request: HttpRequest, round_id: int) -> HttpResponse:
    """Show who opened which leader's report and when (district organiser only)."""
    rnd = _round(request, round_id)
    if not selectors.can_view_access_log(request.user, rnd):
        raise Http404
    return render(
        request,
        "reports/access_log.html",
        {"round": rnd, "entries": selectors.access_log(request.user, rnd)[:500]},
    )


@login_required
def round_map(request: HttpRequest, round_id: int) -> HttpResponse:
    """Draw the round's ward results on the map of any date (organiser, Standing Committee)."""
    rnd = _round(request, round_id)
    if not selectors.can_open_summary(request.user, rnd):
        raise Http404
    day = parse_date(request.GET.get("on", "")) or selectors.round_day(rnd)
    return render(
        request,
        "reports/round_map.html",
        {
            "round": rnd,
            "day": day,
            "round_day": selectors.round_day(rnd),
            "rows": history.round_on_map(rnd, day),
            "notes": history.history_notes(rnd),
        },
    )


@login_required
@require_POST
def render_set(request: HttpRequest, round_id: int) -> HttpResponse:
    """Queue every report of the round as one ZIP; follow it on the job's page."""
    rnd = _round(request, round_id)
    try:
        job = enqueue(
            actor=request.user,
            kind=jobs.SET,
            params={"round": rnd.pk, "formats": list(FORMATS), "title": str(rnd.title)},
        )
    except DomainError as exc:
        raise Http404 from exc
    return redirect("jobs:detail", job_id=job.pk)
