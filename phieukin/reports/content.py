"""What a report shows, as plain dataclasses: the one input of every exporter.

Pure (no Django). The figures come from the tally engine already filtered by its
disclosure control; a figure the engine withheld is ``None`` here and every exporter
prints it as suppressed, never as a number. Exporters do no arithmetic on ballots: at
most they format a share as a percentage.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class DocumentHead:
    """The HD 36 heading and signature data of a report."""

    superior: str  # "ĐẢNG BỘ QUẬN LONG BIÊN"
    issuer: str  # "QUẬN ỦY LONG BIÊN"
    number: str  # "Số     -BC/QU"
    place: str  # "Long Biên"
    day: dt.date
    authority: str = "T/M BAN THƯỜNG VỤ"
    position: str = "PHÓ BÍ THƯ THƯỜNG TRỰC"
    signer: str = ""
    recipients: tuple[str, ...] = ()
    secrecy: str = ""  # "MẬT" on confidential reports, printed under the number
    circulation: str = ""  # "Tài liệu lưu hành nội bộ"
    addressee: str = ""  # "Ban Thường vụ Quận ủy Long Biên" (printed "Kính gửi: …")
    # "Kế hoạch số 104-KH/QU ngày 11/02/2022 của Ban Thường vụ Quận ủy Long Biên": every
    # report opens "Thực hiện …" with it; empty when the round records no plan.
    plan: str = ""
    committee: str = ""  # the organiser's committee, "Quận ủy Long Biên"
    issuer_name: str = ""  # the issuer in running text, "Ban Tuyên giáo"


@dataclass(frozen=True)
class OptionColumn:
    """One option of the scale as a table column."""

    key: str
    label: str
    scored: bool
    low: bool


@dataclass(frozen=True)
class ItemRow:
    """One item's released figures; ``None`` means suppressed by disclosure control."""

    number: int
    key: str
    section_key: str
    text: str
    counts: tuple[int | None, ...] | None  # one per option
    shares: tuple[float | None, ...] | None  # over valid scored answers; None for unscored
    answered: int | None  # answers with a scored option (the denominator)
    mean: float | None
    low_share: float | None
    previous_mean: float | None = None
    average_mean: float | None = None
    flags: tuple[str, ...] = ()  # printed labels of the flag rules that fired
    bands: tuple[str | None, ...] | None = None  # unanimous small group: bands, no counts

    @property
    def suppressed(self) -> bool:
        return self.counts is None and self.mean is None

    @property
    def flagged(self) -> bool:
        return bool(self.flags)


@dataclass(frozen=True)
class Score:
    """A section's (or the overall) mean of item means and share of good ratings."""

    key: str
    title: str
    mean: float | None
    good_share: float | None
    previous_mean: float | None = None
    average_mean: float | None = None


@dataclass(frozen=True)
class Participation:
    """Attendance and ballot counts of one conference (or a total).

    ``invited``, ``present``, ``issued`` (given a code or a paper ballot) and
    ``returned`` (voted) count people; ``valid`` and ``invalid`` count sheets.
    """

    invited: int | None
    present: int | None
    rate: float | None
    issued: int | None = None
    returned: int | None = None
    valid: int | None = None  # sheets (one per person for each leader on the ballot)
    invalid: int | None = None  # sheets
    # Leaders on the ballot: the sheets one person fills. None when it differs by ward.
    sheets_per_person: int | None = None


@dataclass(frozen=True)
class Disclosure:
    """The disclosure rules the engine applied, printed in every report."""

    k: int
    k_comments: int
    flag_rule: str  # e.g. "Trung bình + Yếu ≥ 20 % hoặc điểm trung bình < 3,00"
    analogy_rule: str = ""
    # What the reader must know when figures of other rounds are shown next to these:
    # the map changed, which old units a unit was formed from and their own results.
    history: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExtraSection:
    """A section another app adds to a leader's report, printed in every file format.

    Every cell is already formatted text (decimal comma, Vietnamese words), so each
    exporter only lays it out. ``notes`` precede the table, ``footnotes`` follow it.
    """

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...] = ()
    footnotes: tuple[str, ...] = ()
    numeric: tuple[int, ...] = ()  # indexes of columns aligned right


@dataclass(frozen=True)
class LeaderReport:
    """The confidential report on one leader in one round."""

    head: DocumentHead
    round_title: str
    round_id: int
    subject_id: int
    name: str
    title: str
    ward: str
    held_on: dt.date | None
    participation: Participation
    options: tuple[OptionColumn, ...]
    items: tuple[ItemRow, ...]
    sections: tuple[Score, ...]
    overall: Score
    disclosure: Disclosure
    comments: tuple[str, ...] | None  # None: withheld (fewer than k_comments ballots)
    ballots: int | None  # valid ballots about this leader; None when suppressed
    previous_round_title: str = ""
    average_label: str = ""  # "trung bình toàn quận"
    withheld: bool = False  # fewer than k ballots: no figure at all
    # Sections of the apps above (e.g. the remediation plan's outcome), after the figures.
    extra_sections: tuple[ExtraSection, ...] = ()

    @property
    def flagged_items(self) -> tuple[ItemRow, ...]:
        return tuple(item for item in self.items if item.flagged)


@dataclass(frozen=True)
class WardResults:
    """One ward's aggregate (every leader of the ward pooled), for the ward's own office."""

    round_title: str
    ward: str
    participation: Participation
    options: tuple[OptionColumn, ...]
    items: tuple[ItemRow, ...]
    sections: tuple[Score, ...]
    overall: Score
    disclosure: Disclosure
    ballots: int | None  # valid sheets pooled over the ward's leaders; None when withheld
    withheld: bool = False  # fewer than k people: no figure at all


@dataclass(frozen=True)
class WardLine:
    """A ward's participation against the round's target."""

    ward: str
    participation: Participation
    meets_target: bool | None
    unit_id: int = 0  # the ward's unit (pages filter and paginate by it)


@dataclass(frozen=True)
class LeaderLine:
    """One leader in the district summary."""

    subject_id: int
    name: str
    title: str
    ward: str
    overall: Score
    flagged: tuple[str, ...]  # "3. item text" of flagged items
    withheld: bool = False
    ward_id: int = 0  # the ward's unit (pages filter and paginate by it)


@dataclass(frozen=True)
class Trend:
    """District means across rounds (oldest first), with the day each round was held.

    ``dates`` (the first conference of each round) place the rounds on a time axis;
    empty when unknown, and the chart then spaces them evenly.
    """

    round_titles: tuple[str, ...]
    means: tuple[float | None, ...]
    dates: tuple[dt.date, ...] = ()


@dataclass(frozen=True)
class BallotTable:
    """Anonymised ballots about the leaders released un-banded (no comments, no ids).

    ``note`` says which ballots are listed; the workbook puts it on the header.
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""


@dataclass(frozen=True)
class DistrictSummary:
    """The district summary for the Standing Committee."""

    head: DocumentHead
    round_title: str
    round_id: int
    district: str
    target: float | None
    wards: tuple[WardLine, ...]
    total: Participation
    leaders: tuple[LeaderLine, ...]
    item_labels: tuple[str, ...]  # "1", "2", … with texts in item_texts
    item_texts: tuple[str, ...]
    heatmap: tuple[tuple[float | None, ...], ...]  # items × leaders, item means
    sections: tuple[Score, ...]
    overall: Score
    trend: Trend
    disclosure: Disclosure
    # Item means of each ward (items × wards, ward order as in ``wards``) and the district.
    ward_item_means: tuple[tuple[float | None, ...], ...] = ()
    district_item_means: tuple[float | None, ...] = ()
    leader_reports: tuple[LeaderReport, ...] = ()  # for the workbook's per-leader sheet
    ballots: BallotTable | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def overall_means(self) -> tuple[float, ...]:
        return tuple(line.overall.mean for line in self.leaders if line.overall.mean is not None)
