"""Render reports (PDF, DOCX, XLSX) and record every opening of a leader's report.

Documents are always rendered inside ``translation.override("vi")``: a report is an
official Vietnamese document whatever the reader's interface language.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from phieukin.accounts.access import authorize
from phieukin.reports import build, history, sections, selectors
from phieukin.reports.content import DistrictSummary, ExtraSection, LeaderReport, WardResults
from phieukin.reports.exporters import get_exporter
from phieukin.reports.exporters.base import LeaderCharts, leader_charts, summary_charts
from phieukin.reports.models import ReportAccess, ReportFormat
from phieukin.rounds.models import Round, Subject
from phieukin.units import lineage

if TYPE_CHECKING:
    from phieukin.accounts.models import User
    from phieukin.tallying.tally import RoundTally

DOCUMENT_LANGUAGE = "vi"
FORMATS = ("pdf", "docx", "xlsx")


@dataclass(frozen=True)
class RenderedFile:
    """A rendered report file."""

    filename: str
    content_type: str
    data: bytes


class RoundReports:
    """The reports of one round, sharing one tally, one meta and the previous round.

    Build once per request or per command run: the tally is computed once and every
    report reads from it.
    """

    def __init__(self, round: Round) -> None:
        self.round = round
        self._leaders: dict[int, tuple[LeaderReport, LeaderCharts]] = {}
        self._subjects: dict[int, Subject] = {}
        self._previous: dict[int, Subject | None] = {}
        self._predecessors: dict[int, list[lineage.Predecessor]] = {}
        self._summary: DistrictSummary | None = None

    def subject(self, subject_id: int) -> Subject:
        """Return the round's subject *subject_id* with its post, unit and box, read once."""
        if subject_id not in self._subjects:
            self._subjects[subject_id] = Subject.objects.select_related(
                "conference__round",
                "conference__unit",
                "conference__box",
                "position__unit",
                "person",
            ).get(pk=subject_id, conference__round=self.round)
        return self._subjects[subject_id]

    def previous_subject(self, subject_id: int) -> Subject | None:
        """Return the same person's previous subject in the same post, found once.

        Followed through the map's lineage (``tallying.selectors.previous_subject``); the
        report's comparison, its page's cache key and the follow-up section all read it.
        """
        if subject_id not in self._previous:
            self._previous[subject_id] = history.previous_subject(
                self.subject(subject_id), predecessors=self.predecessors(subject_id)
            )
        return self._previous[subject_id]

    def predecessors(self, subject_id: int) -> list[lineage.Predecessor]:
        """Return the units the unit of *subject_id*'s post succeeds, read once."""
        if subject_id not in self._predecessors:
            unit = self.subject(subject_id).position.unit
            self._predecessors[subject_id] = lineage.predecessors(unit)
        return self._predecessors[subject_id]

    @functools.cached_property
    def meta(self) -> build.RoundMeta:
        with translation.override(DOCUMENT_LANGUAGE):
            return selectors.round_meta(self.round)

    @functools.cached_property
    def tally(self) -> RoundTally:
        return selectors.round_tally(self.round)

    @functools.cached_property
    def previous(self) -> selectors.PreviousRound | None:
        return selectors.previous_tally(self.round)

    @property
    def _committee(self) -> dict[str, str]:
        unit = self.round.organiser_unit
        return {"committee": unit.party_committee or unit.full_name}

    @functools.cached_property
    def _flag_label(self) -> Callable[[str], str]:
        return selectors.flag_labeller(self.round)

    def leader(self, subject_id: int) -> LeaderReport:
        """Return the content of the report on one subject."""
        with translation.override(DOCUMENT_LANGUAGE):
            subject = self.meta.subject(subject_id)
            past = history.leader_history(
                self.subject(subject_id),
                previous=self.previous_subject(subject_id),
                predecessors=self.predecessors(subject_id),
            )
            report = build.leader_report(
                meta=self.meta,
                tally=self.tally,
                subject_id=subject_id,
                flag_label=self._flag_label,
                overall_title=_("Overall"),
                average_label=_("Average of the round"),
                previous=past.previous,
                previous_title=past.title,
                secrecy=_("CONFIDENTIAL"),
                circulation=_("For internal circulation only"),
                addressee=_("Comrade %(name)s, %(title)s")
                % {"name": subject.name, "title": subject.title},
                recipients=[
                    _("The Standing Committee of %(committee)s (to report),") % self._committee,
                    _("Comrade %(name)s,") % {"name": subject.name},
                    _("Archive: the office of %(committee)s.") % self._committee,
                ],
            )
            return dataclasses.replace(
                report, disclosure=dataclasses.replace(report.disclosure, history=past.notes)
            )

    def leader_with_charts(self, subject_id: int) -> tuple[LeaderReport, LeaderCharts]:
        """Return a leader report and its charts, drawn once for every format."""
        if subject_id not in self._leaders:
            content = self.leader(subject_id)
            with translation.override(DOCUMENT_LANGUAGE):
                self._leaders[subject_id] = (content, leader_charts(content))
        return self._leaders[subject_id]

    def ward(self, unit_id: int) -> WardResults:
        """Return one ward's aggregate (its leaders pooled), as released by the engine."""
        with translation.override(DOCUMENT_LANGUAGE):
            return build.ward_results(
                meta=self.meta,
                tally=self.tally,
                unit_id=unit_id,
                flag_label=self._flag_label,
                overall_title=_("Overall"),
            )

    def summary(self, *, workbook: bool = False) -> DistrictSummary:
        """Return the district summary; *workbook* adds per-leader figures and ballots.

        Without *workbook* it is built once: every page of the summary reads it.
        """
        if not workbook and self._summary is not None:
            return self._summary
        with translation.override(DOCUMENT_LANGUAGE):
            previous = self.previous
            summary = build.district_summary(
                meta=self.meta,
                tally=self.tally,
                flag_label=self._flag_label,
                overall_title=_("Overall"),
                trend=selectors.trend(self.round, self.tally),
                leader_reports=(
                    [self.leader(s.id) for s in self.meta.subjects] if workbook else ()
                ),
                ballots=selectors.anonymised_ballots(self.round, self.meta, self.tally)
                if workbook
                else None,
                recipients=[
                    _("The Standing Committee of %(committee)s,") % self._committee,
                    _("Archive: the office of %(committee)s.") % self._committee,
                ],
                previous_district=previous.tally.total if previous else None,
            )
            notes = tuple(history.history_notes(self.round))
            summary = dataclasses.replace(
                summary, disclosure=dataclasses.replace(summary.disclosure, history=notes)
            )
        if not workbook:
            self._summary = summary
        return summary


def _filename(prefix: str, round: Round, name: str, extension: str) -> str:
    slug = slugify(name.replace("đ", "d").replace("Đ", "D")) or "bao-cao"
    return f"{prefix}-{round.year}-{round.number}-{slug}.{extension}"


def render_leader_report(
    *,
    subject: Subject,
    fmt: str,
    reports: RoundReports | None = None,
    extra: tuple[ExtraSection, ...] | None = None,
) -> RenderedFile:
    """Return the report on *subject* as a file in format *fmt* ("pdf", "docx", "xlsx").

    *extra* are the sections other apps add (``sections.leader_document_sections``), when
    the caller has read them already.
    """
    round = subject.conference.round
    reports = reports or RoundReports(round)
    exporter = get_exporter(fmt)
    content, images = reports.leader_with_charts(subject.pk)
    with translation.override(DOCUMENT_LANGUAGE):
        if extra is None:
            # The round's own instance: its previous subject was found for the content.
            extra = sections.leader_document_sections(reports.subject(subject.pk))
        if extra:
            content = dataclasses.replace(content, extra_sections=extra)
        data = exporter.leader(content, images)
    return RenderedFile(
        filename=_filename("bao-cao", round, f"{subject.name}-{subject.pk}", exporter.extension),
        content_type=exporter.content_type,
        data=data,
    )


def render_district_summary(
    *, round: Round, fmt: str, reports: RoundReports | None = None
) -> RenderedFile:
    """Return the district summary as a file (the XLSX holds every aggregate and ballots)."""
    reports = reports or RoundReports(round)
    exporter = get_exporter(fmt)
    with translation.override(DOCUMENT_LANGUAGE):
        content = reports.summary(workbook=fmt == "xlsx")
        data = exporter.summary(content, summary_charts(content))
    return RenderedFile(
        filename=_filename("tong-hop", round, round.organiser_unit.name, exporter.extension),
        content_type=exporter.content_type,
        data=data,
    )


def record_report_access(*, actor: User, subject: Subject, fmt: str) -> ReportAccess:
    """Record that *actor* opened the report on *subject* (web page or download)."""
    authorize(actor, "report.view_leader", subject)
    if fmt not in ReportFormat.values:
        raise ValueError(fmt)
    round = subject.conference.round
    with transaction.atomic():
        return ReportAccess.objects.create(
            round=round,
            subject=subject,
            user=actor if actor.pk else None,
            user_label=str(actor)[:160],
            format=fmt,
            draft=not selectors.is_published(round),
        )


def render_round(
    *,
    round: Round,
    out_dir: Path,
    formats: Iterable[str] = FORMATS,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[Path]:
    """Write every leader's report and the district summary into *out_dir*.

    *progress* is called with (done, total, label) after each file.
    """
    formats = [f for f in formats]
    for fmt in formats:
        get_exporter(fmt)  # KeyError early for an unknown format
    out_dir.mkdir(parents=True, exist_ok=True)
    reports = RoundReports(round)
    subjects = list(
        Subject.objects.filter(conference__round=round)
        .select_related("conference__round", "conference__unit")
        .order_by("conference__unit__sort_key", "order")
    )
    total = (len(subjects) + 1) * len(formats)
    written: list[Path] = []
    done = 0
    for fmt in formats:
        for subject in subjects:
            rendered = render_leader_report(subject=subject, fmt=fmt, reports=reports)
            path = out_dir / rendered.filename
            path.write_bytes(rendered.data)
            written.append(path)
            done += 1
            if progress:
                progress(done, total, rendered.filename)
        rendered = render_district_summary(round=round, fmt=fmt, reports=reports)
        path = out_dir / rendered.filename
        path.write_bytes(rendered.data)
        written.append(path)
        done += 1
        if progress:
            progress(done, total, rendered.filename)
    return written
