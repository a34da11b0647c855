"""Evidence gathered beside a self-assessment, one small provider per source.

Each provider takes the reader and the grading and returns an :class:`EvidenceSection`;
a provider decides what this reader may see with the rules of its source (the feedback
results follow the reports' rules: only those who may open a leader's report see its
figures). A source whose app is not part of this installation says so instead of
showing nothing silently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from phieukin.accounts.access import can
from phieukin.grading.models import Grading, SubjectKind
from phieukin.reports import formatting as fmt
from phieukin.rounds.lifecycle import RoundState
from phieukin.rounds.models import Subject
from phieukin.selfcheck import aggregate
from phieukin.selfcheck import selectors as selfcheck_selectors
from phieukin.tallying import selectors as tallying_selectors


@dataclass(frozen=True)
class EvidenceLine:
    label: str
    value: str
    url: str = ""
    warning: bool = False


@dataclass(frozen=True)
class EvidenceSection:
    key: str
    title: str
    lines: tuple[EvidenceLine, ...] = ()
    note: str = ""
    available: bool = True  # False: the source is not part of this installation
    withheld: bool = False  # True: there is evidence this reader may not see
    data: dict[str, Any] = field(default_factory=dict)


Provider = Callable[[Any, Grading], EvidenceSection]


def feedback_results(reader: Any, grading: Grading) -> EvidenceSection:
    """The person's feedback results across rounds, only where the reader may open the report."""
    title = _("Feedback results across rounds")
    if grading.kind != SubjectKind.INDIVIDUAL or grading.person_id is None:
        return EvidenceSection("feedback", title, note=_("Feedback rounds evaluate individuals."))
    subjects = list(
        Subject.objects.filter(
            person_id=grading.person_id,
            conference__round__state__in=[RoundState.CLOSED.value, RoundState.PUBLISHED.value],
            conference__round__year__lte=grading.year.year,
        )
        .select_related("conference__round", "conference__unit")
        .order_by("conference__round__year", "conference__round__number")
    )
    readable = [s for s in subjects if can(reader, "report.view_leader", s)]
    lines = []
    for subject in readable:
        try:
            figures = tallying_selectors.subject_tally(subject).total.figures
        except Exception:  # a box that was never sealed has no tally
            figures = None
        rnd = subject.conference.round
        if figures is None:
            value = _("figures withheld (fewer than k ballots) or not counted")
        else:
            value = _("mean %(mean)s; good and fair %(good)s; %(flags)s item(s) flagged") % {
                "mean": fmt.number(figures.mean),
                "good": fmt.percent(figures.good_share),
                "flags": len({f.item for f in figures.flags if f.borrowed_from is None}),
            }
        lines.append(
            EvidenceLine(
                label=f"{rnd.title} — {subject.title}",
                value=value,
                url=reverse("reports:leader", args=[rnd.pk, subject.pk]),
            )
        )
    hidden = len(subjects) - len(readable)
    note = ""
    if hidden:
        note = _(
            "%(n)s report(s) are not shown: only those allowed to read a leader's report see "
            "its results."
        ) % {"n": hidden}
    elif not subjects:
        note = _("No counted feedback round about this person up to this year.")
    return EvidenceSection("feedback", title, tuple(lines), note=note, withheld=hidden > 0)


def _missing(key: str, title: str, app: str) -> EvidenceSection:
    return EvidenceSection(
        key,
        title,
        note=_("This source (the “%(app)s” module) is not part of this installation yet.")
        % {"app": app},
        available=False,
    )


def remediation_plans(reader: Any, grading: Grading) -> EvidenceSection:
    """Completion of the person's remediation plans (app ``followup``)."""
    title = _("Remediation plans")
    if not apps.is_installed("phieukin.followup"):
        return _missing("remediation", title, "followup")
    return _missing("remediation", title, "followup")


def self_cultivation_plan(reader: Any, grading: Grading) -> EvidenceSection:
    """Whether the person posted a self-cultivation plan for the year (app ``followup``)."""
    title = _("Self-cultivation plan")
    if not apps.is_installed("phieukin.followup"):
        return _missing("self_cultivation", title, "followup")
    return _missing("self_cultivation", title, "followup")


def directive_24(reader: Any, grading: Grading) -> EvidenceSection:
    """The Directive 24 self-check of the year: expressions named and their follow-up."""
    title = _("Directive 24-CT/TU self-check")
    year = grading.year.year
    today = timezone.localdate()
    if grading.kind == SubjectKind.INDIVIDUAL:
        if grading.person_id is None:
            return EvidenceSection("directive_24", title)
        entries = selfcheck_selectors.entries_of_person(grading.person_id, year)
        sessions = [e.session for e in entries]
        findings = selfcheck_selectors.findings_of_person(grading.person_id, year)
        own = getattr(reader, "person_id", None) == grading.person_id
    else:
        sessions, findings = selfcheck_selectors.findings_of_unit(grading.unit_id, year)
        own = False
    allowed = [s for s in sessions if own or can(reader, "selfcheck.view", s)]
    if not sessions:
        return EvidenceSection(
            "directive_24",
            title,
            note=_("No self-check session recorded in %(year)s.") % {"year": year},
        )
    if not allowed:
        return EvidenceSection("directive_24", title, withheld=True, note=_("Not shown to you."))
    allowed_ids = {s.pk for s in allowed}
    lines = [
        EvidenceLine(
            label=_("Session %(period)s (%(day)s)")
            % {"period": s.period, "day": s.held_on.strftime("%d/%m/%Y")},
            value=_("%(n)s expression(s) named")
            % {"n": sum(1 for f in findings if f.entry.session_id == s.pk)},
            url=reverse("selfcheck:session", args=[s.pk]),
        )
        for s in allowed
    ]
    for f in findings:
        if f.entry.session_id not in allowed_ids:
            continue
        overdue = f.status != aggregate.DONE and f.due_on < today
        lines.append(
            EvidenceLine(
                label=f"{f.item.order}. {f.item.text[:90]}",
                value=f"{f.get_status_display()} — {_('deadline')} {f.due_on:%d/%m/%Y}"
                + (f" ({_('overdue')})" if overdue else ""),
                warning=overdue,
            )
        )
    done = sum(1 for f in findings if f.status == aggregate.DONE)
    return EvidenceSection(
        "directive_24",
        title,
        tuple(lines),
        note=_("Remedies done: %(done)s of %(total)s.") % {"done": done, "total": len(findings)},
        data={"findings": len(findings), "done": done},
    )


def quarterly_criteria(reader: Any, grading: Grading) -> EvidenceSection:
    """Quarterly results on the professional criteria (app ``criteria``)."""
    title = _("Quarterly results on the professional criteria")
    if not apps.is_installed("phieukin.criteria"):
        return _missing("criteria", title, "criteria")
    return _missing("criteria", title, "criteria")


PROVIDERS: tuple[Provider, ...] = (
    feedback_results,
    remediation_plans,
    self_cultivation_plan,
    directive_24,
    quarterly_criteria,
)


def gather(reader: Any, grading: Grading) -> list[EvidenceSection]:
    """Return every source's evidence about *grading*, as *reader* may see it."""
    return [provider(reader, grading) for provider in PROVIDERS]
