"""Turn the tally engine's output into report content. Pure: no Django, no ballots.

Every figure placed in a report is read from a :class:`~phieukin.tallying.tally.Cell`
the engine emitted; a suppressed cell, a banded item or withheld comments stay
suppressed here. The only arithmetic is presentation: percent → share (÷ 100).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from phieukin.reports.content import (
    BallotTable,
    Disclosure,
    DistrictSummary,
    DocumentHead,
    ItemRow,
    LeaderLine,
    LeaderReport,
    OptionColumn,
    Participation,
    Score,
    Trend,
    WardLine,
    WardResults,
)
from phieukin.tallying.tally import Cell, Figures, RoundTally, SubjectTally


@dataclass(frozen=True)
class ItemMeta:
    key: str
    number: int
    section: str
    text: str


@dataclass(frozen=True)
class SectionMeta:
    key: str
    title: str


@dataclass(frozen=True)
class SubjectMeta:
    id: int
    person_id: int
    position_id: int
    name: str
    title: str
    ward_id: int
    ward: str
    held_on: dt.date | None


@dataclass(frozen=True)
class WardMeta:
    unit_id: int
    name: str
    participation: Participation
    per_subject: Mapping[int, int]  # all ballots (valid and invalid) per subject


@dataclass(frozen=True)
class RoundMeta:
    """What a report needs besides the figures: names, texts, rules, heading."""

    id: int
    title: str
    district: str
    head: DocumentHead
    options: tuple[OptionColumn, ...]
    items: tuple[ItemMeta, ...]
    sections: tuple[SectionMeta, ...]
    subjects: tuple[SubjectMeta, ...]
    wards: tuple[WardMeta, ...]
    target: float | None
    disclosure: Disclosure

    def subject(self, subject_id: int) -> SubjectMeta:
        for meta in self.subjects:
            if meta.id == subject_id:
                return meta
        raise KeyError(subject_id)

    def ward(self, unit_id: int) -> WardMeta:
        for meta in self.wards:
            if meta.unit_id == unit_id:
                return meta
        raise KeyError(unit_id)


FlagLabel = Callable[[str], str]


def _full(text: str) -> str:
    """Return an item's text whole (criteria are never cut), without its final stop."""
    return " ".join(text.split()).rstrip(" .;,")


def _share(percent: float | None) -> float | None:
    return None if percent is None else percent / 100.0


def subject_tally(tally: RoundTally, subject_id: int) -> SubjectTally | None:
    """Return the subject's tally, or None when its box is not in the tally (not sealed)."""
    try:
        return tally.subject(subject_id)
    except KeyError:
        return None


def item_rows(
    meta: RoundMeta,
    figures: Figures | None,
    flag_label: FlagLabel,
    previous: Figures | None = None,
    average: Figures | None = None,
) -> tuple[ItemRow, ...]:
    """Return one row per item of *figures* (all suppressed when *figures* is None)."""
    by_key = {f.key: f for f in figures.items} if figures else {}
    before = {f.key: f for f in previous.items} if previous else {}
    avg = {f.key: f for f in average.items} if average else {}
    rows: list[ItemRow] = []
    for item in meta.items:
        fig = by_key.get(item.key)
        prev_mean = before[item.key].mean if item.key in before else None
        avg_mean = avg[item.key].mean if item.key in avg else None
        if fig is None:
            rows.append(
                ItemRow(
                    item.number, item.key, item.section, item.text, None, None, None, None, None
                )
            )
            continue
        flags = tuple(dict.fromkeys(flag_label(f.rule) for f in fig.flags))
        if fig.banded:
            rows.append(
                ItemRow(
                    item.number,
                    item.key,
                    item.section,
                    item.text,
                    counts=None,
                    shares=None,
                    answered=None,
                    mean=None,
                    low_share=None,
                    previous_mean=prev_mean,
                    average_mean=avg_mean,
                    flags=flags,
                    bands=tuple(o.band for o in fig.options),
                )
            )
            continue
        rows.append(
            ItemRow(
                item.number,
                item.key,
                item.section,
                item.text,
                counts=tuple(o.count for o in fig.options),
                shares=tuple(_share(o.percent) for o in fig.options),
                answered=fig.scored_answers,
                mean=fig.mean,
                low_share=fig.low_share,
                previous_mean=prev_mean,
                average_mean=avg_mean,
                flags=flags,
            )
        )
    return tuple(rows)


def scores(
    meta: RoundMeta,
    figures: Figures | None,
    previous: Figures | None = None,
    average: Figures | None = None,
    overall_title: str = "",
) -> tuple[tuple[Score, ...], Score]:
    """Return the section scores and the overall score of *figures*."""
    secs = {s.key: s for s in figures.sections} if figures else {}
    prev = {s.key: s for s in previous.sections} if previous else {}
    avg = {s.key: s for s in average.sections} if average else {}
    out: list[Score] = []
    for section in meta.sections:
        fig = secs.get(section.key)
        out.append(
            Score(
                key=section.key,
                title=section.title,
                mean=fig.mean if fig else None,
                good_share=fig.good_share if fig else None,
                previous_mean=prev[section.key].mean if section.key in prev else None,
                average_mean=avg[section.key].mean if section.key in avg else None,
            )
        )
    overall = Score(
        key="",
        title=overall_title,
        mean=figures.mean if figures else None,
        good_share=figures.good_share if figures else None,
        previous_mean=previous.mean if previous else None,
        average_mean=average.mean if average else None,
    )
    return tuple(out), overall


def leader_report(
    *,
    meta: RoundMeta,
    tally: RoundTally,
    subject_id: int,
    flag_label: FlagLabel,
    overall_title: str,
    average_label: str,
    previous: Cell | None = None,
    previous_title: str = "",
    secrecy: str = "",
    circulation: str = "",
    recipients: Sequence[str] = (),
    addressee: str = "",
) -> LeaderReport:
    """Return the confidential report on one subject from the engine's tally."""
    subject = meta.subject(subject_id)
    st = subject_tally(tally, subject_id)
    figures = st.total.figures if st is not None else None
    average = tally.total.figures
    prev = previous.figures if previous is not None else None
    sections, overall = scores(meta, figures, prev, average, overall_title)
    ward = meta.ward(subject.ward_id)
    valid = figures.ballots if figures else None
    all_ballots = ward.per_subject.get(subject_id)
    participation = replace(
        ward.participation,
        valid=valid,
        invalid=(all_ballots - valid) if valid is not None and all_ballots is not None else None,
    )
    return LeaderReport(
        head=replace(
            meta.head,
            secrecy=secrecy,
            circulation=circulation,
            recipients=tuple(recipients),
            addressee=addressee or meta.head.addressee,
        ),
        round_title=meta.title,
        round_id=meta.id,
        subject_id=subject_id,
        name=subject.name,
        title=subject.title,
        ward=subject.ward,
        held_on=subject.held_on,
        participation=participation,
        options=meta.options,
        items=item_rows(meta, figures, flag_label, prev, average),
        sections=sections,
        overall=overall,
        disclosure=meta.disclosure,
        comments=st.comments if st is not None and figures is not None else None,
        ballots=valid,
        previous_round_title=previous_title if prev is not None else "",
        average_label=average_label,
        withheld=figures is None,
    )


def ward_results(
    *,
    meta: RoundMeta,
    tally: RoundTally,
    unit_id: int,
    flag_label: FlagLabel,
    overall_title: str,
) -> WardResults:
    """Return one ward's pooled figures as the engine released them (None cells stay None)."""
    ward = meta.ward(unit_id)
    cell = next((w.total for w in tally.wards if w.unit == unit_id), None)
    figures = cell.figures if cell is not None else None
    average = tally.total.figures
    sections, overall = scores(meta, figures, None, average, overall_title)
    return WardResults(
        round_title=meta.title,
        ward=ward.name,
        participation=ward.participation,
        options=meta.options,
        items=item_rows(meta, figures, flag_label, None, average),
        sections=sections,
        overall=overall,
        disclosure=meta.disclosure,
        ballots=figures.ballots if figures else None,
        withheld=figures is None,
    )


def district_summary(
    *,
    meta: RoundMeta,
    tally: RoundTally,
    flag_label: FlagLabel,
    overall_title: str,
    trend: Trend,
    leader_reports: Sequence[LeaderReport] = (),
    ballots: BallotTable | None = None,
    recipients: Sequence[str] = (),
    previous_district: Cell | None = None,
) -> DistrictSummary:
    """Return the district summary from the engine's tally."""
    wards: list[WardLine] = []
    invited = present = valid = invalid = 0
    for ward in meta.wards:
        p = ward.participation
        cell = next((w.total for w in tally.wards if w.unit == ward.unit_id), None)
        ward_valid = cell.figures.ballots if cell is not None and cell.figures else None
        line_p = replace(p, valid=ward_valid, invalid=p.invalid if ward_valid is not None else None)
        wards.append(
            WardLine(
                ward=ward.name,
                unit_id=ward.unit_id,
                participation=line_p,
                meets_target=(
                    None if p.rate is None or meta.target is None else p.rate >= meta.target
                ),
            )
        )
        invited += p.invited or 0
        present += p.present or 0
        invalid += p.invalid or 0
    district_figures = tally.total.figures
    valid = district_figures.ballots if district_figures else 0
    per_person = {w.participation.sheets_per_person for w in meta.wards}
    total = Participation(
        invited=invited,
        present=present,
        rate=present / invited if invited else None,
        valid=valid if district_figures else None,
        invalid=invalid if district_figures else None,
        sheets_per_person=per_person.pop() if len(per_person) == 1 else None,
    )
    leaders: list[LeaderLine] = []
    columns: list[Figures | None] = []
    for subject in meta.subjects:
        st = subject_tally(tally, subject.id)
        figures = st.total.figures if st is not None else None
        columns.append(figures)
        numbers = {i.key: i for i in meta.items}
        flagged = (
            tuple(
                f"{numbers[f.key].number}. {_full(numbers[f.key].text)}"
                for f in figures.items
                if f.flags and f.key in numbers
            )
            if figures
            else ()
        )
        leaders.append(
            LeaderLine(
                subject_id=subject.id,
                name=subject.name,
                title=subject.title,
                ward=subject.ward,
                ward_id=subject.ward_id,
                overall=Score(
                    "",
                    overall_title,
                    figures.mean if figures else None,
                    figures.good_share if figures else None,
                ),
                flagged=flagged,
                withheld=figures is None,
            )
        )
    heatmap = tuple(
        tuple(
            next((f.mean for f in col.items if f.key == item.key), None) if col else None
            for col in columns
        )
        for item in meta.items
    )
    ward_figures = [
        next((w.total.figures for w in tally.wards if w.unit == ward.unit_id), None)
        for ward in meta.wards
    ]

    def item_mean(figures: Figures | None, key: str) -> float | None:
        if figures is None:
            return None
        return next((f.mean for f in figures.items if f.key == key), None)

    prev = previous_district.figures if previous_district is not None else None
    sections, overall = scores(meta, district_figures, prev, None, overall_title)
    return DistrictSummary(
        head=replace(meta.head, recipients=tuple(recipients)),
        round_title=meta.title,
        round_id=meta.id,
        district=meta.district,
        target=meta.target,
        wards=tuple(wards),
        total=total,
        leaders=tuple(leaders),
        item_labels=tuple(str(i.number) for i in meta.items),
        item_texts=tuple(i.text for i in meta.items),
        heatmap=heatmap,
        sections=sections,
        overall=overall,
        trend=trend,
        disclosure=meta.disclosure,
        ward_item_means=tuple(
            tuple(item_mean(figures, item.key) for figures in ward_figures) for item in meta.items
        ),
        district_item_means=tuple(item_mean(district_figures, item.key) for item in meta.items),
        leader_reports=tuple(leader_reports),
        ballots=ballots,
    )
