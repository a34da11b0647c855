"""Reads for the reports: the reports a user may open, and the inputs of the report builder.

Who may open what is decided by the access rules ``report.view_summary``,
``report.view_leader`` and ``report.view_access_log`` (``accounts/rules/reports.py``);
the selectors below only turn those rules into scoped querysets. Anything a user may
not open is absent from them, so the views answer 404 and a report's existence is not
revealed either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from phieukin.accounts.access import can
from phieukin.accounts.models import Role
from phieukin.accounts.permissions import leader_person_id
from phieukin.accounts.scoping import unit_ids_for
from phieukin.ballots.models import Ballot
from phieukin.core import documents
from phieukin.reports.build import ItemMeta, RoundMeta, SectionMeta, SubjectMeta, WardMeta
from phieukin.reports.content import (
    BallotTable,
    Disclosure,
    DocumentHead,
    OptionColumn,
    Participation,
    Trend,
)
from phieukin.reports.formatting import number, percent
from phieukin.reports.models import ReportAccess
from phieukin.rounds import selectors as round_selectors
from phieukin.rounds.lifecycle import RoundState
from phieukin.rounds.models import BallotBox, Conference, Round, Subject
from phieukin.tallying import selectors as tallying_selectors
from phieukin.tallying import tally as engine
from phieukin.units import lineage

# --- Scoped reads -------------------------------------------------------------------------


def is_published(round: Round) -> bool:
    """Return whether the round's reports are released."""
    return round.is_published


def can_open_summary(user: Any, round: Round) -> bool:
    """Return whether the user may open the round's district summary."""
    return can(user, "report.view_summary", round)


def can_view_access_log(user: Any, round: Round) -> bool:
    """Return whether the user may read who opened the round's reports."""
    return can(user, "report.view_access_log", round)


def report_rounds_for(user: Any) -> QuerySet[Round]:
    """Return the rounds whose reports page the user may open (the rules as a query)."""
    organiser = unit_ids_for(user, roles=[Role.DISTRICT_ORGANISER])
    standing = unit_ids_for(user, roles=[Role.STANDING_COMMITTEE])
    ward_offices = unit_ids_for(user, roles=[Role.WARD_ORGANISER])
    person_id = leader_person_id(user)
    published = RoundState.PUBLISHED.value
    qs = Round.objects.filter(organiser_unit_id__in=organiser)
    qs = qs | Round.objects.filter(organiser_unit_id__in=standing, state=published)
    if ward_offices:
        qs = qs | Round.objects.filter(state=published, conferences__unit_id__in=ward_offices)
    if person_id is not None:
        qs = qs | Round.objects.filter(state=published, conferences__subjects__person_id=person_id)
    return qs.distinct().select_related("organiser_unit").order_by("-year", "-number")


def reportable_subjects(user: Any, round: Round) -> QuerySet[Subject]:
    """Return the subjects of *round* whose report the user may open."""
    qs = Subject.objects.filter(conference__round=round).select_related(
        "conference__unit", "conference__round"
    )
    if can_open_summary(user, round):
        return qs.order_by("conference__unit__sort_key", "order")
    person_id = leader_person_id(user)
    if person_id is None or not round.is_published:
        return qs.none()
    subjects = qs.filter(person_id=person_id).order_by("conference__unit__sort_key", "order")
    return subjects.filter(pk__in=[s.pk for s in subjects if can(user, "report.view_leader", s)])


def ward_results_for(user: Any, round: Round) -> list[Conference]:
    """Return the conferences of *round* whose ward aggregate the user may read."""
    conferences = Conference.objects.filter(round=round).select_related("unit", "round")
    return [c for c in conferences.order_by("unit__sort_key") if can(user, "report.view_ward", c)]


def access_log(user: Any, round: Round) -> QuerySet[ReportAccess]:
    """Return the openings of the round's reports (empty unless the user may read them)."""
    if not can_view_access_log(user, round):
        return ReportAccess.objects.none()
    return ReportAccess.objects.filter(round=round).select_related("subject")


# --- Inputs of the builder --------------------------------------------------------------


def _seal_counts(box: BallotBox | None) -> dict[str, Any]:
    if box is None:
        return {}
    seal = getattr(box, "seal", None)
    try:
        return dict(seal.counts) if seal is not None else {}
    except Exception:  # no seal row
        return {}


def _sum(*values: Any) -> int | None:
    known = [v for v in values if isinstance(v, int)]
    return sum(known) if known else None


def document_head(round: Round) -> DocumentHead:
    """Return the HD 36 heading of the round's reports, following the organiser's level.

    The reports are issued by the organising department under its committee when the
    unit records one: "QUẬN ỦY LONG BIÊN / BAN TUYÊN GIÁO" (…-BC/BTGQU), "THÀNH ỦY HÀ
    NỘI / BAN TUYÊN GIÁO VÀ DÂN VẬN" (…-BC/BTGDVTU), signed K/T Trưởng ban and addressed
    to the committee's Standing Committee; a ward without a department issues as its
    committee under the Party organisation above it on the round's date: "ĐẢNG BỘ THÀNH
    PHỐ HÀ NỘI / ĐẢNG ỦY PHƯỜNG BỒ ĐỀ" (:func:`units.lineage.issuing_body`). The head
    carries the plan the round carries out ("Kế hoạch số … ngày … của …").
    """
    day = (round.published_at or round.closed_at or round.created_at).date()
    first_day = Conference.objects.filter(round=round).order_by("held_on").first()
    map_day = (first_day.held_on if first_day and first_day.held_on else None) or day
    unit = round.organiser_unit
    body = lineage.issuing_body(unit, map_day, by_department=True)
    if body.by_department:
        authority, position = _("FOR THE HEAD OF THE DEPARTMENT"), _("DEPUTY HEAD")
    else:
        authority, position = (
            _("ON BEHALF OF THE STANDING COMMITTEE"),
            _("STANDING DEPUTY SECRETARY"),
        )
    committee = unit.party_committee or unit.full_name or unit.name
    return DocumentHead(
        superior=body.superior,
        issuer=body.issuer,
        # The number is given by the office when the report is registered.
        number=f"Số\u00a0\u00a0\u00a0\u00a0\u00a0-BC/{body.symbol}",
        place=body.place,
        day=day,
        authority=authority,
        position=position,
        addressee=_("the Standing Committee of %(committee)s") % {"committee": committee},
        plan=documents.plan_reference(
            round.plan_number, round.plan_date, round.plan_issuer_or_default
        ),
        committee=committee,
        issuer_name=(
            documents.department_name(unit.organiser_unit, committee)
            if body.by_department
            else committee
        ),
    )


def flag_rule_text(round: Round) -> str:
    """Return the round's flag rule as printed in the reports."""
    return _("low ratings (%(options)s) reach %(share)s or the mean score is below %(mean)s") % {
        "options": ", ".join(_low_labels(round)) or "—",
        "share": percent(float(round.flag_low_share), 0),
        "mean": number(float(round.flag_mean_below)),
    }


def _low_labels(round: Round) -> list[str]:
    from phieukin.questionnaires.models import ScaleOption

    keys = list(round.low_option_keys or [])
    labels = dict(
        ScaleOption.objects.filter(scale__questionnaire=round.questionnaire, key__in=keys)
        .values_list("key", "label")
        .distinct()
    )
    return [labels.get(k, k) for k in keys]


def flag_labeller(round: Round) -> Callable[[str], str]:
    """Return a function naming a flag rule of the engine for this round."""
    low = " + ".join(_low_labels(round))

    def label(rule: str) -> str:
        if rule == engine.FLAG_LOW_SHARE:
            return f"{low} ≥ {percent(float(round.flag_low_share), 0)}"
        if rule == engine.FLAG_MEAN_BELOW:
            return _("mean < %(mean)s") % {"mean": number(float(round.flag_mean_below))}
        if rule == engine.FLAG_ANALOGY_HALF:
            return _("over half low ratings (by analogy with QĐ 96)")
        if rule == engine.FLAG_ANALOGY_TWO_THIRDS:
            return _("at least two thirds low ratings (by analogy with QĐ 96)")
        return rule

    return label


def round_meta(round: Round) -> RoundMeta:
    """Return names, texts, rules and participation of *round* for the builder."""
    q = round.questionnaire
    items = list(q.items.select_related("section", "scale").order_by("order"))
    first_scale = items[0].scale if items else None
    low_keys = set(round.low_option_keys or [])
    options = (
        tuple(
            OptionColumn(o.key, o.label, o.score is not None, o.key in low_keys)
            for o in first_scale.options.order_by("order")
        )
        if first_scale
        else ()
    )
    conferences = list(
        Conference.objects.filter(round=round)
        .select_related("unit", "box", "box__seal")
        .order_by("unit__sort_key")
    )
    subjects = list(
        Subject.objects.filter(conference__round=round)
        .select_related("conference__unit")
        .order_by("conference__unit__sort_key", "order")
    )
    wards: list[WardMeta] = []
    for conf in conferences:
        box = getattr(conf, "box", None)
        counts = _seal_counts(box)
        per_subject = {int(k): int(v) for k, v in dict(counts.get("per_subject", {})).items()}
        rate = conf.present_count / conf.invited_count if conf.invited_count else None
        wards.append(
            WardMeta(
                unit_id=conf.unit_id,
                name=conf.unit.full_name or conf.unit.name,
                participation=Participation(
                    invited=conf.invited_count,
                    present=conf.present_count,
                    rate=rate,
                    issued=_sum(counts.get("codes_issued"), counts.get("paper_issued")),
                    returned=_sum(counts.get("codes_used"), counts.get("paper_returned")),
                    valid=counts.get("ballots_valid"),
                    invalid=counts.get("ballots_invalid"),
                    sheets_per_person=sum(1 for s in subjects if s.conference_id == conf.pk)
                    or None,
                ),
                per_subject=per_subject,
            )
        )
    return RoundMeta(
        id=round.pk,
        title=round.title,
        district=round.organiser_unit.full_name or round.organiser_unit.name,
        head=document_head(round),
        options=options,
        items=tuple(
            ItemMeta(key=i.key, number=n, section=i.section.key, text=i.text)
            for n, i in enumerate(items, start=1)
        ),
        sections=tuple(SectionMeta(key=s.key, title=s.title) for s in q.sections.order_by("order")),
        subjects=tuple(
            SubjectMeta(
                id=s.pk,
                person_id=s.person_id,
                position_id=s.position_id,
                name=s.name,
                title=s.title,
                ward_id=s.conference.unit_id,
                ward=s.conference.unit.full_name or s.conference.unit.name,
                held_on=s.conference.held_on,
            )
            for s in subjects
        ),
        wards=tuple(wards),
        target=float(round.target_participation) if round.target_participation else None,
        disclosure=Disclosure(
            k=round.k_threshold,
            k_comments=round.k_comments,
            flag_rule=flag_rule_text(round),
            analogy_rule=(
                _(
                    "Flags by analogy with QĐ 96 (over half, at least two thirds low ratings) "
                    "are shown for information."
                )
                if round.flag_analogy
                else ""
            ),
        ),
    )


def round_tally(round: Round) -> engine.RoundTally:
    """Return the engine's tally of the round's sealed boxes (the tallying app's selector)."""
    return tallying_selectors.round_tally(round)


# The one rule of "the previous round(s)" lives in rounds.selectors; the report uses it.
previous_round = round_selectors.previous_round
earlier_rounds = round_selectors.earlier_rounds
round_day = round_selectors.round_day
round_unit_ids = round_selectors.round_unit_ids


def on_an_older_map(round: Round, earlier: Round) -> bool:
    """Return whether *earlier* was held on other units than *round* (a reorganisation)."""
    return round_unit_ids(earlier) != round_unit_ids(round)


def round_label(round: Round, earlier: Round) -> str:
    """Return an earlier round's title, marked when it was held on the old map."""
    if not on_an_older_map(round, earlier):
        return earlier.title
    return _("%(title)s (old map, %(count)s units)") % {
        "title": earlier.title,
        "count": len(round_unit_ids(earlier)),
    }


@dataclass
class PreviousRound:
    """The previous round's tally, and its subjects by position."""

    round: Round
    tally: engine.RoundTally
    subject_by_position: dict[int, int]

    def cell_for(self, position_id: int) -> engine.Cell | None:
        subject_id = self.subject_by_position.get(position_id)
        if subject_id is None:
            return None
        try:
            return self.tally.subject(subject_id).total
        except KeyError:  # the previous round's box was never sealed
            return None


def previous_tally(round: Round) -> PreviousRound | None:
    """Return the previous round's tally, or None when there is none."""
    prev = previous_round(round)
    if prev is None:
        return None
    return PreviousRound(
        round=prev,
        tally=round_tally(prev),
        subject_by_position=dict(
            Subject.objects.filter(conference__round=prev).values_list("position_id", "pk")
        ),
    )


def trend(round: Round, current: engine.RoundTally, limit: int = 5) -> Trend:
    """Return the district mean of earlier rounds and this one (oldest first)."""
    titles: list[str] = []
    means: list[float | None] = []
    dates = []
    for earlier in earlier_rounds(round, limit=limit - 1):
        figures = round_tally(earlier).total.figures
        titles.append(round_label(round, earlier))
        means.append(figures.mean if figures else None)
        dates.append(round_selectors.round_day(earlier))
    titles.append(round.title)
    means.append(current.total.figures.mean if current.total.figures else None)
    dates.append(round_selectors.round_day(round))
    return Trend(tuple(titles), tuple(means), tuple(dates))


def anonymised_ballots(
    round: Round, meta: RoundMeta, tally: engine.RoundTally | None = None
) -> BallotTable:
    """Return the ballots about the leaders the engine released un-banded, as labels.

    The same content as the public CSV: no comment, no id, no group; rows sorted by
    content so their order says nothing about when a ballot was cast. Only sealed boxes,
    and only the ballots about subjects whose own figures the engine showed with no
    banded item: a withheld leader cannot be re-tallied, and a small unanimous group the
    engine shows only in bands is not undone by listing its identical ballots. *tally* is
    the round's tally (computed when None).
    """
    from phieukin.ballots.sheet import UNANSWERED

    q = round.questionnaire
    items = list(q.items.select_related("scale").order_by("order"))
    labels: dict[int, list[str]] = {}
    for item in items:
        if item.scale_id not in labels:
            labels[item.scale_id] = [o.label for o in item.scale.options.order_by("order")]
    if tally is None:
        tally = tallying_selectors.round_tally(round)
    exact = {
        st.subject
        for w in tally.wards
        for st in w.subjects
        if st.total.figures is not None and not any(i.banded for i in st.total.figures.items)
    }
    subjects = {k: v for k, v in ((s.id, s) for s in meta.subjects) if k in exact}
    rows: list[tuple[str, ...]] = []
    for subject_id, valid, answers in Ballot.objects.filter(
        box__conference__round=round, box__state="sealed", subject_id__in=list(subjects)
    ).values_list("subject_id", "valid", "answers"):
        subject = subjects.get(subject_id)
        if subject is None:
            continue
        cells = []
        for item, char in zip(items, answers or UNANSWERED * len(items), strict=False):
            cells.append("" if char == UNANSWERED else labels[item.scale_id][int(char)])
        rows.append((subject.ward, subject.name, _("yes") if valid else _("no"), *cells))
    rows.sort()
    columns = (
        _("Ward"),
        _("Leader"),
        _("Valid"),
        *[
            pgettext("workbook column", "Item %(number)s") % {"number": n}
            for n in range(1, len(items) + 1)
        ],
    )
    note = _(
        "Only the ballots about leaders whose figures are released exactly are listed: "
        "none about a leader whose figures are withheld (fewer than %(k)s ballots) or "
        "shown only in bands (a small group that answered unanimously)."
    ) % {"k": round.k_threshold}
    return BallotTable(columns=columns, rows=tuple(rows), note=note)
