"""Report pages built once per snapshot: their content cached under a digest of its inputs.

A province's round summary page and a leader's report page are built from the decoded
tally snapshots, the round's names and texts and the map's history, then rendered with
their charts inlined: seconds at 37–168 communes on a loaded machine, on every view. The
figures and words of those parts of the page are a pure function of:

* the tallies: every ballot box of the round and of the earlier rounds the summary reads
  (the trend's four, the previous round, the history notes' five) with its state, seal
  digest and sealed counts — the material that names a tally snapshot
  (``tallying/snapshots.py``), plus the boxes not sealed yet;
* the rows the builder reads beside them: those rounds (title, rules, dates), the
  organiser, the conferences and their units, the subjects, the questionnaire's texts and
  scale, the reorganisations the round's units come from and every sealed box of those
  old units;
* for a leader's page, the same person's previous subject in the same post through the
  map's lineage (its round, post, unit and box), the units the post's unit succeeds and
  the sealed boxes of the old units it directly comes from (no other round: a leader's
  report reads neither the trend nor the round's history notes);
* the language of the page, its parameters (``?page=``, ``?unit=``, the communes a page)
  and :data:`CONTENT_VERSION`.

:func:`summary_key` and :func:`leader_key` read all that in about a dozen queries (their
number does not grow with the number of communes; on PostgreSQL the database reduces
each set of rows to its count and SHA-256, :func:`_fingerprint`) and return the SHA-256
of it; the built content is kept in the ``pages`` cache under that key. A changed
figure, seal, name or link is a new key, so a page is never served stale and nothing is
ever invalidated; an unreachable cache costs only the building. Parts that are not a
function of the snapshot (the reader's links, the CSRF form, the follow-up sections of a
leader's report) are rendered on every request around the cached content. A leader's
downloaded file (:func:`leader_file`) is kept the same way, under its page's key, its
format and the follow-up sections the files print (read on every download). At
publication a job builds them all ahead of the first reader (``warming.py``).

Access comes first: the views call these functions only after the scoped selectors and
the access rules (``accounts/rules/reports.py``) let the reader in, so a key is never read
for someone who may not see the page. The cache holds confidential figures; it is
protected like the database (docs/SECURITY.md).
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.cache import caches
from django.db import connections
from django.db.models import Model, QuerySet, TextField
from django.db.models.functions import Cast
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from phieukin.questionnaires.models import Item, ScaleOption, Section
from phieukin.reports import sections, texts
from phieukin.reports import summary_page as paging
from phieukin.reports.selectors import earlier_rounds
from phieukin.reports.services import (
    DOCUMENT_LANGUAGE,
    FORMATS,
    RenderedFile,
    RoundReports,
    render_leader_report,
)
from phieukin.reports.summary_page import page_charts, summary_page
from phieukin.rounds.lifecycle import BoxState
from phieukin.rounds.models import BallotBox, Conference, Round, Subject
from phieukin.units import lineage
from phieukin.units.models import Succession

logger = logging.getLogger(__name__)

# Bump when the pages' templates or builders change what a page shows from the same
# inputs, so that no content built before is served again.
CONTENT_VERSION = "1"
PAGE_CACHE = "pages"
PAGE_CACHE_SECONDS = 7 * 24 * 3600  # the weeks after publication when reports are read

T = TypeVar("T")


def _fields(model: type[Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def _row(obj: Model) -> tuple[Any, ...]:
    return tuple(getattr(obj, name) for name in _fields(type(obj)))


def _digest(material: object) -> str:
    # repr() of ints, strings, dates, decimals, lists and dicts is stable between
    # processes and servers (no set and no object address in the material).
    return hashlib.sha256(repr(material).encode("utf-8")).hexdigest()


def _fingerprint(rows: QuerySet[Any]) -> object:
    """Return what tells *rows* (a ``values_list`` query) apart from any other set of rows.

    On PostgreSQL the database reduces them itself: the count and the SHA-256 of the rows'
    text, sorted. Fetching a province's thousands of boxes, conferences and subjects only
    to hash them in Python was most of a cached summary view (about 60 of 85 ms for 168
    communes and six rounds). Elsewhere (the embedded SQLite of one office) the rows
    themselves. Either way any changed, added or removed row changes the result.
    """
    connection = connections[rows.db]
    if connection.vendor != "postgresql":
        return list(rows)
    sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    with connection.cursor() as cursor:
        # Only the ORM's own compiled SQL is formatted in; the values stay parameters.
        cursor.execute(
            "SELECT count(*), encode(sha256(convert_to(coalesce("  # noqa: S608
            "string_agg(r::text, chr(10) ORDER BY r::text COLLATE \"C\"), ''), 'UTF8')), 'hex') "
            f"FROM ({sql}) AS r",
            params,
        )
        return cursor.fetchone()


def _units_history(unit_ids: Iterable[int]) -> tuple[list[Any], object]:
    """Return the links the units come from and every sealed box of their old units."""
    links = list(
        Succession.objects.filter(successor_id__in=list(unit_ids))
        .order_by("pk")
        .values_list(
            *_fields(Succession),
            "reorganisation__effective",
            "predecessor__name",
            "predecessor__full_name",
            "predecessor__kind",
            "predecessor__valid_from",
            "predecessor__valid_until",
        )
    )
    old_units = sorted({row[_fields(Succession).index("predecessor_id")] for row in links})
    old_boxes = (
        _fingerprint(
            BallotBox.objects.filter(conference__unit_id__in=old_units, state=BoxState.SEALED.value)
            .order_by("pk")
            .values_list(
                "pk",
                "conference__unit_id",
                "conference__held_on",
                "conference__round__title",
                "seal__digest",
            )
        )
        if old_units
        else None
    )
    return links, old_boxes


def _round_material(round: Round, *, history: bool) -> dict[str, Any]:
    """Return everything a round's pages are built from besides the request's parameters.

    *history*: the summary's reads of earlier rounds (the trend's four, the previous
    round, the history notes' five) and of the map's links of every unit of the round. A
    leader's report reads none of them: its own history is keyed by :func:`leader_key`.
    """
    # The trend (4), the previous round and the notes (5) read at most five earlier rounds.
    earlier = earlier_rounds(round, limit=5) if history else []
    rounds = [*earlier, round]
    round_ids = [r.pk for r in rounds]
    # The sealed counts as the database's text: decoding a thousand JSON objects (a
    # province's six rounds) cost about a tenth of a cached summary view.
    boxes = _fingerprint(
        BallotBox.objects.filter(conference__round_id__in=round_ids)
        .order_by("pk")
        .annotate(counts_text=Cast("seal__counts", TextField()))
        .values_list("pk", "conference__round_id", "state", "seal__digest", "counts_text")
    )
    conferences = _fingerprint(
        Conference.objects.filter(round_id__in=round_ids)
        .order_by("pk")
        .values_list(
            *_fields(Conference),
            "unit__name",
            "unit__full_name",
            "unit__kind",
            "unit__sort_key",
            "unit__valid_from",
            "unit__valid_until",
        )
    )
    subjects = _fingerprint(
        Subject.objects.filter(conference__round_id__in=round_ids)
        .order_by("pk")
        .values_list(*_fields(Subject))
    )
    links: list[Any] = []
    old_boxes: object = None
    if history:
        unit_ids = sorted(
            {c.unit_id for c in Conference.objects.filter(round=round).only("unit_id")}
        )
        links, old_boxes = _units_history(unit_ids)
    questionnaire = round.questionnaire_id
    return {
        "rounds": [_row(r) for r in rounds],
        "organiser": _row(round.organiser_unit),
        "boxes": boxes,
        "conferences": conferences,
        "subjects": subjects,
        "links": links,
        "old_boxes": old_boxes,
        "items": _fingerprint(
            Item.objects.filter(questionnaire_id=questionnaire)
            .order_by("pk")
            .values_list("pk", "section_id", "scale_id", "key", "text", "order")
        ),
        "sections": _fingerprint(
            Section.objects.filter(questionnaire_id=questionnaire)
            .order_by("pk")
            .values_list("pk", "key", "title", "order")
        ),
        "options": _fingerprint(
            ScaleOption.objects.filter(scale__questionnaire_id=questionnaire)
            .order_by("pk")
            .values_list("pk", "scale_id", "key", "label", "score", "order")
        ),
    }


def summary_key(round: Round, *, page: str | None, unit: str | None) -> str:
    """Return the cache key of one page of *round*'s summary in the active language."""
    return "phieukin:page:summary:" + _digest(
        (
            CONTENT_VERSION,
            "summary",
            translation.get_language(),
            paging.WARDS_PER_PAGE,
            paging.number_param(page) or 1,
            paging.number_param(unit),
            _round_material(round, history=True),
        )
    )


def _predecessor(p: lineage.Predecessor) -> tuple[Any, ...]:
    unit = (p.unit.pk, p.unit.name, p.unit.full_name, p.unit.kind, p.successor.pk)
    return (*unit, p.whole, p.population_share, p.staff_share, p.effective, p.verified, p.depth)


def leader_key(
    round: Round,
    subject: Subject,
    previous: Subject | None,
    predecessors: list[lineage.Predecessor],
) -> str:
    """Return the cache key of the page of *subject*'s report in the active language.

    *previous* is the same person's previous subject in the same post
    (``tallying.selectors.previous_subject``), whose result the report compares with, and
    *predecessors* the units the post's unit succeeds (``units.lineage.predecessors``).
    """
    prior: tuple[Any, ...] | None = None
    if previous is not None:
        box = (
            BallotBox.objects.filter(conference_id=previous.conference_id)
            .values_list("pk", "state", "seal__digest")
            .first()
        )
        prior = (
            _row(previous),
            _row(previous.conference.round),
            _row(previous.position),
            _row(previous.position.unit),
            box,
        )
    position_unit = subject.position.unit
    return "phieukin:page:leader:" + _digest(
        (
            CONTENT_VERSION,
            "leader",
            translation.get_language(),
            subject.pk,
            _row(subject.position),
            _row(position_unit),
            [_predecessor(p) for p in predecessors],
            _units_history([position_unit.pk]),
            prior,
            _round_material(round, history=False),
        )
    )


def cached(key: str, kind: type[T], build: Callable[[], T]) -> T:
    """Return the content under *key* in the ``pages`` cache, or ``build()`` and keep it.

    The cache is an optimisation: when it cannot be reached (or holds something else
    under the key) the content is built as if it were empty, and the page still answers.
    """
    # Content kept by an older version of the code, of another shape, is never read.
    key += ":" + _digest((kind.__qualname__, list(getattr(kind, "__dataclass_fields__", ()))))[:16]
    try:
        found = caches[PAGE_CACHE].get(key)
    except Exception:
        logger.warning("page cache unavailable for reading", exc_info=True)
        found = None
    if isinstance(found, kind):
        return found
    content = build()
    try:
        caches[PAGE_CACHE].set(key, content, PAGE_CACHE_SECONDS)
    except Exception:
        logger.warning("page cache unavailable for writing", exc_info=True)
    return content


# --- The content of the pages ---------------------------------------------------------


@dataclass(frozen=True)
class SummaryPageContent:
    """One page of a round's summary, rendered: its figures, charts, filter and paging."""

    html: str  # rendered from our templates with autoescaping
    rows_html: str  # the table of the page's leaders' reports, with their links

    @property
    def body(self) -> SafeString:
        return mark_safe(self.html)  # our template's output, escaped there

    @property
    def rows(self) -> SafeString:
        return mark_safe(self.rows_html)  # our template's output, escaped there


@dataclass(frozen=True)
class LeaderPageContent:
    """A leader's report page, rendered, but for the follow-up sections and the links."""

    name: str
    subject_line: str
    secrecy: str
    circulation: str
    figures_html: str  # participation, results, charts, scores, flags, comments, suggestions
    disclosure_html: str  # the disclosure rules (both rendered with autoescaping)

    @property
    def figures(self) -> SafeString:
        return mark_safe(self.figures_html)  # our template's output, escaped there

    @property
    def disclosure(self) -> SafeString:
        return mark_safe(self.disclosure_html)  # our template's output, escaped there


def summary_page_content(
    reports: RoundReports, *, page: str | None, unit: str | None
) -> SummaryPageContent:
    """Return the page *page* (or the ward *unit*) of the summary of ``reports.round``.

    *reports* is the round's ``RoundReports``; it is only read when the content is not
    in the cache. Call only for a reader the access rules let open the summary.
    """
    rnd: Round = reports.round

    def build() -> SummaryPageContent:
        whole = reports.summary()
        shown = summary_page(whole, page=page, unit=unit)
        summary = shown.summary
        html = render_to_string(
            "reports/_summary_page.html",
            {
                "round": rnd,
                "summary": summary,
                "shown": shown,
                "images": page_charts(whole, shown),
                "sheets_note": texts.people_and_sheets_note(summary.total),
            },
        )
        # A reader of the summary may open every leader's report of the round
        # (selectors.reportable_subjects): the table lists the page's leaders.
        subjects = (
            Subject.objects.filter(
                conference__round=rnd,
                conference__unit_id__in=[line.unit_id for line in summary.wards],
            )
            .select_related("conference__unit")
            .order_by("conference__unit__sort_key", "order")
        )
        means = {line.subject_id: line.overall.mean for line in summary.leaders}
        rows_html = render_to_string(
            "reports/_leader_rows.html",
            {
                "round": rnd,
                "rows": [(s, means.get(s.pk)) for s in subjects],
                "formats": FORMATS,
            },
        )
        return SummaryPageContent(html=html, rows_html=rows_html)

    return cached(summary_key(rnd, page=page, unit=unit), SummaryPageContent, build)


def leader_page_content(reports: RoundReports, subject: Subject) -> LeaderPageContent:
    """Return the page of *subject*'s report (``reports`` is its round's ``RoundReports``).

    Call only for a reader the access rules let open the report.
    """
    rnd: Round = reports.round
    previous = reports.previous_subject(subject.pk)

    def build() -> LeaderPageContent:
        # Built once per RoundReports with its charts: the leader's files share them.
        content, images = reports.leader_with_charts(subject.pk)
        context = {
            "round": rnd,
            "report": content,
            "images": images,
            **texts.page_context(content),
        }
        return LeaderPageContent(
            name=content.name,
            subject_line=str(context["subject_line"]),
            secrecy=content.head.secrecy,
            circulation=content.head.circulation,
            figures_html=render_to_string("reports/_leader_figures.html", context),
            disclosure_html=render_to_string("reports/_leader_disclosure.html", context),
        )

    key = leader_key(rnd, reports.subject(subject.pk), previous, reports.predecessors(subject.pk))
    return cached(key, LeaderPageContent, build)


def _plain(value: object) -> object:
    """Return *value* (dataclasses, tuples, texts, numbers) as plain, stably printed data.

    Texts may be lazy translations, whose ``repr`` is an object address: they are read.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return (type(value).__qualname__, *(_plain(getattr(value, f.name)) for f in fields))
    if isinstance(value, list | tuple):
        return tuple(_plain(v) for v in value)
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def leader_file(reports: RoundReports, subject: Subject, fmt: str) -> RenderedFile:
    """Return *subject*'s report as a file in *fmt*, built once per snapshot.

    The file is a function of what the report page is built from (:func:`leader_key`,
    in the documents' language) and of the sections other apps add to the files (the
    follow-up, which changes on its own: it is read on every call and digested into the
    key). Call only for a reader the access rules let open the report.
    """
    rnd: Round = reports.round
    own = reports.subject(subject.pk)
    with translation.override(DOCUMENT_LANGUAGE):
        extra = sections.leader_document_sections(own)
        page = leader_key(
            rnd, own, reports.previous_subject(subject.pk), reports.predecessors(subject.pk)
        )
    key = "phieukin:file:leader:" + _digest((page, fmt, _plain(extra)))
    return cached(
        key,
        RenderedFile,
        lambda: render_leader_report(subject=own, fmt=fmt, reports=reports, extra=extra),
    )
