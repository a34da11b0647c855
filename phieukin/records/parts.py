"""The parts of a leader's record, each from its own app, each under its own access rule.

A record is a list of parts produced by *providers*: small functions
``provider(subject, reader) -> Part | None`` that read one app's selectors for one
person and return ``None`` when the reader may not see that part (or there is nothing
to show). A part is plain data — titled tables of text — so the web page, the DOCX and
PDF exports and the API all show exactly the same thing.

Order of the record: feedback results of every round, the response and remediation
plans, the self-cultivation plans and their supervision, the Directive 24 self-checks,
the quarterly criteria results, the annual grades, the recognitions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from phieukin.accounts.access import can
from phieukin.criteria.selectors import quarterly_results
from phieukin.followup.models import CultivationPlan, LeaderResponse, RemediationPlan
from phieukin.grading.models import GradeLevel, Grading
from phieukin.questionnaires.models import Item
from phieukin.recognition.selectors import recognitions_of_person
from phieukin.reports.formatting import count, number, percent
from phieukin.rounds.lifecycle import BoxState, RoundState
from phieukin.rounds.models import BallotBox, Subject
from phieukin.selfcheck.models import Entry
from phieukin.tallying import selectors as tallying_selectors


@dataclass(frozen=True)
class Table:
    """A captioned table of text cells."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Part:
    """One part of the record: a title, an optional note (e.g. disclosure rules), tables."""

    key: str
    title: str
    tables: tuple[Table, ...]
    note: str = ""
    links: tuple[tuple[str, str], ...] = ()  # (label, URL) for the web page


@dataclass(frozen=True)
class RecordSubject:
    """Whose record: the person, their posts and every unit they belong to."""

    person_id: int
    name: str
    unit_ids: frozenset[int]
    positions: tuple[tuple[str, str], ...]  # (title, "01/10/2020 – nay")


Provider = Callable[[RecordSubject, Any], "Part | None"]


@dataclass
class Registry:
    """The providers of the record, in the order the parts are shown."""

    providers: list[tuple[int, str, Provider]] = field(default_factory=list)

    def register(self, key: str, *, order: int) -> Callable[[Provider], Provider]:
        """Register a provider under *key*; parts are shown by ascending *order*."""

        def add(provider: Provider) -> Provider:
            self.providers.append((order, key, provider))
            self.providers.sort(key=lambda entry: entry[0])
            return provider

        return add

    def keys(self) -> list[str]:
        return [key for _order, key, _provider in self.providers]


PARTS = Registry()


def _short(text: str, words: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def _dash(value: str | None) -> str:
    return value if value else "—"


# --- 1. Feedback results of every round -----------------------------------------------


def feedback_subjects(subject: RecordSubject, reader: Any) -> list[Subject]:
    """Return the person's evaluations whose report the reader may open (``report.view_leader``)."""
    subjects = (
        Subject.objects.filter(
            person_id=subject.person_id,
            conference__round__state__in=[RoundState.CLOSED.value, RoundState.PUBLISHED.value],
        )
        .select_related("conference__round", "conference__unit")
        .order_by("conference__round__year", "conference__round__number")
    )
    return [s for s in subjects if can(reader, "report.view_leader", s)]


@PARTS.register("feedback", order=10)
def feedback_part(subject: RecordSubject, reader: Any) -> Part | None:
    """The overall figures and flagged items of each round's report on the person.

    Figures are the leader's cell of the sealed box's tally, under the round's rules
    (k, comment k, flag rule): the same cell the report prints, withheld the same way.
    """
    rows: list[tuple[str, ...]] = []
    links: list[tuple[str, str]] = []
    ks: set[tuple[int, int]] = set()
    for s in feedback_subjects(subject, reader):
        rnd = s.conference.round
        ks.add((rnd.k_threshold, rnd.k_comments))
        box = BallotBox.objects.filter(conference_id=s.conference_id).first()
        figures = None
        if box is not None and box.state == BoxState.SEALED.value:
            figures = tallying_selectors.subject_tally(s).total.figures
        if box is None or box.state != BoxState.SEALED.value:
            cells: tuple[str, ...] = (_("not counted yet"), "—", "—", "—")
        elif figures is None:
            cells = (
                _("withheld: fewer than %(k)s ballots") % {"k": rnd.k_threshold},
                "—",
                "—",
                "—",
            )
        else:
            flagged = [key for section in figures.sections for key in section.flagged_items]
            texts = dict(
                Item.objects.filter(questionnaire_id=rnd.questionnaire_id).values_list(
                    "key", "text"
                )
            )
            numbers = {
                key: n
                for n, key in enumerate(
                    Item.objects.filter(questionnaire_id=rnd.questionnaire_id)
                    .order_by("order")
                    .values_list("key", flat=True),
                    start=1,
                )
            }
            cells = (
                count(figures.ballots),
                number(figures.mean),
                percent(figures.good_share),
                "; ".join(f"{numbers.get(k, '')}. {_short(texts.get(k, k))}" for k in flagged)
                or _("none"),
            )
        draft = "" if rnd.state == RoundState.PUBLISHED.value else _(" (not yet published)")
        rows.append(
            (
                rnd.title + draft,
                s.title,
                s.conference.held_on.strftime("%d/%m/%Y") if s.conference.held_on else "—",
                *cells,
            )
        )
        links.append(
            (
                _("Report %(round)s") % {"round": rnd.title},
                reverse("reports:leader", args=[rnd.pk, s.pk]),
            )
        )
    if not rows:
        return None
    rules = "; ".join(
        _("k = %(k)s ballots for any figure, %(kc)s for comments") % {"k": k, "kc": kc}
        for k, kc in sorted(ks)
    )
    return Part(
        key="feedback",
        title=_("Feedback results of the rounds"),
        note=_(
            "Figures come from each round's confidential report with its disclosure rules "
            "(%(rules)s): a figure of fewer ballots is withheld, never estimated; comments "
            "are read in the report itself."
        )
        % {"rules": rules},
        tables=(
            Table(
                caption="",
                columns=(
                    _("Round"),
                    _("Position"),
                    _("Conference"),
                    _("Valid ballots"),
                    _("Mean score"),
                    _("Good and fair share"),
                    _("Flagged items (shortcomings)"),
                ),
                rows=tuple(rows),
            ),
        ),
        links=tuple(links),
    )


# --- 2. Response and remediation plans (app followup) -----------------------------------


@PARTS.register("remediation", order=20)
def remediation_part(subject: RecordSubject, reader: Any) -> Part | None:
    """The leader's responses and the current remediation plan of each round.

    Rules ``followup.response.view`` and ``followup.plan.view``: the leader, the organiser
    and the Standing Committee.
    """
    responses = [
        r
        for r in LeaderResponse.objects.filter(person_id=subject.person_id)
        .select_related("subject__conference__round")
        .order_by("subject__conference__round__year", "subject__conference__round__number")
        if can(reader, "followup.response.view", r)
    ]
    plans = [
        p
        for p in RemediationPlan.objects.filter(
            person_id=subject.person_id, superseded_at__isnull=True
        )
        .select_related("round")
        .prefetch_related("measures")
        .order_by("round__year", "round__number", "-version")
        if can(reader, "followup.plan.view", p)
    ]
    if not responses and not plans:
        return None
    tables = []
    if responses:
        tables.append(
            Table(
                caption=_("Response to the report (taking on board, explaining)"),
                columns=(_("Round"), _("Taken on board"), _("Explained")),
                rows=tuple(
                    (r.subject.conference.round.title, _dash(r.accepted), _dash(r.explained))
                    for r in responses
                ),
            )
        )
    if plans:
        rows = []
        for plan in plans:
            measures = list(plan.measures.all())
            done = round(sum(m.percent for m in measures) / len(measures)) if measures else 0
            rows.append(
                (
                    plan.round.title,
                    str(plan.version),
                    plan.get_state_display(),
                    str(len(measures)),
                    f"{done} %",
                    _dash(plan.review_comment),
                )
            )
        tables.append(
            Table(
                caption=_("Remediation plans"),
                columns=(
                    _("Round"),
                    _("Version"),
                    _("State"),
                    _("Measures"),
                    _("Progress"),
                    _("Review comments"),
                ),
                rows=tuple(rows),
            )
        )
    return Part(key="remediation", title=_("Response and remediation plans"), tables=tuple(tables))


# --- 3. Self-cultivation plans and their supervision (app followup) ---------------------


@PARTS.register("cultivation", order=30)
def cultivation_part(subject: RecordSubject, reader: Any) -> Part | None:
    """The yearly self-cultivation plans, their posting and supervision (MTTQ, citizens)."""
    plans = [
        p
        for p in CultivationPlan.objects.filter(person_id=subject.person_id)
        .select_related("unit")
        .prefetch_related("commitments", "notes", "feedback")
        .order_by("year")
        if can(reader, "followup.cultivation.view", p)
    ]
    if not plans:
        return None
    rows = []
    notes = []
    for plan in plans:
        public = [f for f in plan.feedback.all() if f.is_public]
        rows.append(
            (
                str(plan.year),
                plan.position_title,
                str(len(plan.commitments.all())),
                plan.posted_at.strftime("%d/%m/%Y") if plan.posted_at else _("not posted"),
                str(len(plan.notes.all())),
                str(len(public)),
            )
        )
        notes += [
            (str(plan.year), n.created_at.strftime("%d/%m/%Y"), n.text) for n in plan.notes.all()
        ]
    tables = [
        Table(
            caption="",
            columns=(
                _("Year"),
                _("Position"),
                _("Number of commitments"),
                _("Posted on"),
                _("Supervision notes"),
                _("Answered citizen feedback"),
            ),
            rows=tuple(rows),
        )
    ]
    if notes:
        tables.append(
            Table(
                caption=_("Supervision by the Fatherland Front"),
                columns=(_("Year"), _("Date"), _("Note")),
                rows=tuple(notes),
            )
        )
    return Part(
        key="cultivation",
        title=_("Self-cultivation plans and their supervision"),
        tables=tuple(tables),
    )


# --- 4. Directive 24 self-checks (app selfcheck) ----------------------------------------


@PARTS.register("selfcheck", order=40)
def selfcheck_part(subject: RecordSubject, reader: Any) -> Part | None:
    """The person's own entries in the Directive 24 self-check sessions (``selfcheck.view``)."""
    entries = [
        e
        for e in Entry.objects.filter(person_id=subject.person_id)
        .select_related("session")
        .prefetch_related("findings__item")
        .order_by("session__held_on")
        if can(reader, "selfcheck.view", e.session)
    ]
    if not entries:
        return None
    rows = []
    for entry in entries:
        findings = list(entry.findings.all())
        if entry.none_apply or not findings:
            found = _("no expression applies")
        else:
            found = "; ".join(
                f"{f.item.order}. {_short(f.item.text)} — {f.get_status_display()}"
                for f in findings
            )
        rows.append(
            (
                entry.session.held_on.strftime("%d/%m/%Y"),
                entry.session.title,
                _dash(entry.role_title),
                found,
            )
        )
    return Part(
        key="selfcheck",
        title=_("Directive 24 self-checks"),
        tables=(
            Table(
                caption="",
                columns=(_("Date"), _("Session"), _("Position"), _("Expressions and remedies")),
                rows=tuple(rows),
            ),
        ),
    )


# --- 5. Quarterly criteria results ------------------------------------------------------


@PARTS.register("criteria", order=50)
def criteria_part(subject: RecordSubject, reader: Any) -> Part | None:
    """The commitment and the four quarters of each year (rule ``criteria.view``)."""
    years = quarterly_results(reader, person_id=subject.person_id)
    if not years:
        return None
    tables = []
    for year in sorted(years, key=lambda y: y.year):
        rows = []
        for q in year.quarters:
            if q.percent is not None:
                result = (
                    f"{q.level_label} ({q.reviewed_points}/{q.maximum}; {number(q.percent, 1)} %)"
                )
            else:
                result = q.state_label or _("not started")
            rows.append((_("Quarter %(q)s") % {"q": q.quarter}, result, _dash(q.review_comment)))
        caption = _("%(year)s — %(set)s, %(unit)s; committed on %(day)s") % {
            "year": year.year,
            "set": year.criteria_set,
            "unit": year.unit,
            "day": year.committed_on.strftime("%d/%m/%Y"),
        }
        if year.year_level_label:
            caption += "; " + _("reviewed quarters: %(level)s") % {"level": year.year_level_label}
        tables.append(
            Table(
                caption=caption,
                columns=(_("Quarter"), _("Result"), _("Manager's comment")),
                rows=tuple(rows),
            )
        )
    return Part(
        key="criteria",
        title=_("Professional criteria: quarterly assessments"),
        tables=tuple(tables),
    )


# --- 6. Annual grades (app grading) ------------------------------------------------------


@PARTS.register("grading", order=60)
def grading_part(subject: RecordSubject, reader: Any) -> Part | None:
    """The annual quality grades: self-assessed, proposed, decided (``grading.view``)."""
    gradings = [
        g
        for g in Grading.objects.filter(person_id=subject.person_id)
        .select_related("year")
        .order_by("year__year")
        if can(reader, "grading.view", g)
    ]
    if not gradings:
        return None
    labels = dict(GradeLevel.choices)
    rows = tuple(
        (
            str(g.year.year),
            _dash(g.position_title),
            str(labels.get(g.self_grade, "")) or "—",
            str(labels.get(g.proposed_grade, "")) or "—",
            str(labels.get(g.decided_grade, "")) or _("not decided yet"),
        )
        for g in gradings
    )
    return Part(
        key="grading",
        title=_("Annual quality grades"),
        tables=(
            Table(
                caption="",
                columns=(_("Year"), _("Position"), _("Self-graded"), _("Proposed"), _("Decided")),
                rows=rows,
            ),
        ),
    )


# --- 7. Recognitions --------------------------------------------------------------------


@PARTS.register("recognitions", order=70)
def recognitions_part(subject: RecordSubject, reader: Any) -> Part | None:
    """The person's "Người tốt, việc tốt" honours (rule ``recognition.view``)."""
    rows = [
        (
            str(h.year),
            h.get_level_display(),
            h.deed,
            f"{h.decision_number}, {h.decision_date.strftime('%d/%m/%Y')}",
        )
        for h in recognitions_of_person(subject.person_id)
        if can(reader, "recognition.view", h)
    ]
    if not rows:
        return None
    return Part(
        key="recognitions",
        title=_("Recognitions"),
        tables=(
            Table(
                caption="",
                columns=(_("Year"), _("Honour level"), _("Deed"), _("Decision")),
                rows=tuple(rows),
            ),
        ),
    )


def parts_for(subject: RecordSubject, reader: Any) -> list[Part]:
    """Return every part of the record the reader may see, in the record's order."""
    parts = []
    for _order, _key, provider in PARTS.providers:
        part = provider(subject, reader)
        if part is not None:
            parts.append(part)
    return parts
