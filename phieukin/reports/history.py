"""History that follows the map: what a report says about earlier rounds and old units.

A leader's report compares with the same person's previous result in the same post,
followed across reorganisations (the Party Secretary of the old Bồ Đề ward for the one of
the new ward), labelled with how the old unit relates ("phường Bồ Đề cũ (một phần)").
A unit's results sit next to its predecessors' own results, each labelled and never
added together. A round's ward results can be drawn on the map of any date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from phieukin.reports.formatting import number
from phieukin.reports.selectors import (
    earlier_rounds,
    on_an_older_map,
    round_day,
    round_unit_ids,
)
from phieukin.rounds.lifecycle import BoxState
from phieukin.rounds.models import Conference, Round, Subject
from phieukin.tallying import selectors as tallying_selectors
from phieukin.tallying import tally as engine
from phieukin.units import lineage
from phieukin.units.models import Unit


def history_notes(round: Round) -> list[str]:
    """Return the notes of a summary on earlier rounds held on an older map."""
    notes: list[str] = []
    older = [r for r in earlier_rounds(round) if on_an_older_map(round, r)]
    if older:
        notes.append(
            _(
                "%(rounds)s were held on the map before the reorganisation, in other units "
                "(%(units)s); their figures are shown for reference and are not the same "
                "ground unit by unit."
            )
            % {
                "rounds": ", ".join(r.title for r in older),
                "units": ", ".join(
                    lineage.short_name(u)
                    for u in Unit.objects.filter(pk__in=round_unit_ids(older[-1]))
                ),
            }
        )
    day = round_day(round)
    units = list(Unit.objects.filter(pk__in=round_unit_ids(round)).order_by("sort_key"))
    # One query for the links of every unit: a province's 168 communes cost what one does.
    direct = lineage.direct_predecessors(u.pk for u in units)
    for unit in units:
        if unit.pk in direct:
            line = predecessor_line(unit, day, links=direct[unit.pk])
            if line:
                notes.append(line)
    return notes


def predecessor_line(
    unit: Unit, day: dt.date, *, links: list[lineage.Predecessor] | None = None
) -> str:
    """Return "<unit>: formed on …; results of its old units in <round>: …", or "".

    *links* are the unit's direct predecessors when the caller read them already.
    """
    if links is None:
        links = [p for p in lineage.predecessors(unit) if p.depth == 1]
    if not links:
        return ""
    parts: list[str] = []
    titles: set[str] = set()
    for link in links:
        conference = (
            Conference.objects.filter(
                unit=link.unit, held_on__lt=day, box__state=BoxState.SEALED.value
            )
            .select_related("round", "box")
            .order_by("-held_on")
            .first()
        )
        figures = None
        if conference is not None:
            titles.add(conference.round.title)
            figures = tallying_selectors.box_tally(conference.box).total.figures
        mark = "" if link.verified else "*"
        parts.append(
            f"{link.label}{mark}: "
            + (
                _("mean %(mean)s in %(round)s")
                % {"mean": number(figures.mean), "round": conference.round.title}
                if figures is not None and conference is not None
                else _("no shown result")
            )
        )
    text = _(
        "%(unit)s (from %(day)s) was formed from: %(parts)s. Each old unit's overall mean "
        "is its own, not added together: the ground and the respondents differ."
    ) % {
        "unit": unit.full_name,
        "day": links[0].effective.strftime("%d/%m/%Y"),
        "parts": "; ".join(parts),
    }
    if any(not link.verified for link in links):
        text += " " + _("*: succession not yet checked against the legal text.")
    return text


@dataclass(frozen=True)
class LeaderHistory:
    """The same person's previous result in the same post (followed across the map)."""

    previous: engine.Cell | None
    title: str
    notes: tuple[str, ...]


def previous_subject(
    subject: Subject, *, predecessors: list[lineage.Predecessor] | None = None
) -> Subject | None:
    """Return the same person's previous subject in the same post, through the map.

    The answer is kept on *subject* (an instance read for one report), so the follow-up
    section of the same report reads it without following the lineage again.
    """
    previous = tallying_selectors.previous_subject(subject, predecessors=predecessors)
    tallying_selectors.remember_previous_subject(subject, previous)
    return previous


def leader_history(
    subject: Subject,
    *,
    previous: Subject | None,
    predecessors: list[lineage.Predecessor] | None = None,
) -> LeaderHistory:
    """Return the leader's previous result and the notes that say what it is.

    *subject* comes with its conference, round, post and unit; *previous* is its
    :func:`previous_subject` and *predecessors* ``lineage.predecessors`` of its post's
    unit, each found once by the caller.
    """
    notes: list[str] = []
    unit = subject.position.unit
    if predecessors is None:
        predecessors = lineage.predecessors(unit)
    line = predecessor_line(
        unit,
        subject.conference.held_on or round_day(subject.conference.round),
        links=[p for p in predecessors if p.depth == 1],
    )
    if previous is None:
        return LeaderHistory(None, "", tuple([line] if line else []))
    cell = tallying_selectors.subject_tally(previous).total
    title = previous.conference.round.title
    old_unit = previous.position.unit
    if old_unit.pk != unit.pk:
        link = next((p for p in predecessors if p.unit.pk == old_unit.pk), None)
        label = link.label if link else lineage.short_name(old_unit)
        title = f"{title} — {label}"
        notes.append(
            _(
                "The previous results are comrade %(name)s's as %(title)s in %(round)s. "
                "%(unit)s was reorganised on %(day)s (%(label)s): the ground and the "
                "respondents changed, so compare with care."
            )
            % {
                "name": subject.name,
                "title": previous.title,
                "round": previous.conference.round.title,
                "unit": unit.full_name,
                "day": (link.effective if link else unit.valid_from or dt.date.min).strftime(
                    "%d/%m/%Y"
                ),
                "label": label,
            }
        )
    if line:
        notes.append(line)
    return LeaderHistory(cell, title, tuple(notes))


@dataclass(frozen=True)
class MapPart:
    """One result of the round placed on a unit of another date's map."""

    source: str  # the unit of the round, e.g. "Phường Bồ Đề"
    relation: str  # "" when the same unit; else how it relates, e.g. "phường Bồ Đề cũ (một phần)"
    mean: float | None
    good_share: float | None
    ballots: int | None


@dataclass(frozen=True)
class MapRow:
    """A unit of the chosen date's map with the round's results that fall on it."""

    unit: Unit
    parts: tuple[MapPart, ...]


def round_on_map(round: Round, day: dt.date) -> list[MapRow]:
    """Return the round's ward results placed on the units that existed on *day*.

    A ward that ended before *day* lands on each unit that succeeds it; a ward that began
    after *day* lands on each old unit it was formed from. Results are listed one by one
    with their relation and never added together.
    """
    conferences = list(
        Conference.objects.filter(round=round, box__state=BoxState.SEALED.value)
        .select_related("unit", "box")
        .order_by("unit__sort_key")
    )
    rows: dict[int, tuple[Unit, list[MapPart]]] = {}
    for conference in conferences:
        unit = conference.unit
        figures = tallying_selectors.box_tally(conference.box).total.figures
        mean = figures.mean if figures else None
        good = figures.good_share if figures else None
        ballots = figures.ballots if figures else None
        targets: list[tuple[Unit, str]] = []
        if unit.is_valid_on(day):
            targets = [(unit, "")]
        elif unit.valid_until is not None and unit.valid_until < day:
            for successor in lineage.successors_on(unit, day):
                link = next(
                    (p for p in lineage.predecessors(successor) if p.unit.pk == unit.pk), None
                )
                targets.append((successor, link.label if link else ""))
        else:
            for link in lineage.predecessors(unit):
                if link.unit.is_valid_on(day):
                    relation = _("part of the later %(unit)s (from %(day)s)") % {
                        "unit": lineage.short_name(unit),
                        "day": link.effective.strftime("%d/%m/%Y"),
                    }
                    targets.append((link.unit, relation))
        for target, relation in targets:
            _unit, parts = rows.setdefault(target.pk, (target, []))
            parts.append(MapPart(unit.full_name, relation, mean, good, ballots))
    ordered = sorted(rows.values(), key=lambda r: r[0].sort_key)
    return [MapRow(unit=u, parts=tuple(parts)) for u, parts in ordered]
