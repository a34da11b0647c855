"""The wording of the reports, shared by every format so PDF, DOCX, XLSX and HTML agree.

Every phrase goes through gettext; call inside ``translation.override("vi")``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from phieukin.core.documents import end_sentence
from phieukin.reports import formatting as fmt
from phieukin.reports.content import (
    Disclosure,
    DistrictSummary,
    ItemRow,
    LeaderLine,
    LeaderReport,
    OptionColumn,
    Participation,
    Score,
    WardLine,
)

ROMAN = ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def heading(number: int, title: str) -> str:
    """Return a numbered section heading ("II. Kết quả theo từng nội dung")."""
    return f"{ROMAN[number]}. {title.upper()}"


def leader_subject_line(report: LeaderReport) -> str:
    return _("Results of the feedback on comrade %(name)s, %(title)s (%(round)s)") % {
        "name": report.name,
        "title": report.title,
        "round": report.round_title,
    }


def summary_subject_line(summary: DistrictSummary) -> str:
    return _("Summary of the feedback on the heads of wards, %(round)s") % {
        "round": summary.round_title
    }


def opening(head_plan: str, round_title: str) -> str:
    """Return the opening words of a report: "Thực hiện Kế hoạch số … ngày … của …".

    A Party report opens with the plan it carries out; a round that records none names
    itself instead, so the sentence still reads.
    """
    if head_plan:
        return _("Carrying out %(plan)s") % {"plan": head_plan}
    return _("Carrying out the plan of %(round)s") % {"round": round_title}


def leader_intro(report: LeaderReport) -> list[str]:
    day = report.held_on.strftime("%d/%m/%Y") if report.held_on else ""
    return [
        _(
            "%(opening)s, the conference of %(ward)s held on %(day)s (%(round)s) collected "
            "feedback by secret ballot on comrade %(name)s, %(title)s. This report gives "
            "the aggregated results; it is confidential and is sent only to the comrade "
            "concerned and to the Standing Committee."
        )
        % {
            "opening": opening(report.head.plan, report.round_title),
            "round": report.round_title,
            "ward": report.ward,
            "day": day,
            "name": report.name,
            "title": report.title,
        }
    ]


def summary_intro(summary: DistrictSummary) -> list[str]:
    return [
        _(
            "%(opening)s, %(issuer)s reports the results of %(round)s in %(district)s: "
            "participation in each ward, the scores of every leader, the items flagged as "
            "shortcomings and the trend across rounds."
        )
        % {
            "opening": opening(summary.head.plan, summary.round_title),
            "issuer": summary.head.issuer_name or summary.district,
            "round": summary.round_title,
            "district": summary.district,
        },
        people_and_sheets_note(summary.total),
    ]


def people_and_sheets_note(p: Participation) -> str:
    """Explain why sheets outnumber people: one sheet per person for each leader."""
    if p.sheets_per_person:
        return _(
            "Attendance and voting are counted in people; ballots in sheets: each person "
            "fills one sheet for each of the %(n)s leaders on the ballot, so there are "
            "%(n)s sheets for each person who voted."
        ) % {"n": p.sheets_per_person}
    return _(
        "Attendance and voting are counted in people; ballots in sheets: each person fills "
        "one sheet for each leader on the ballot."
    )


def participation_headers() -> list[str]:
    return [
        _("Invited (people)"),
        _("Present (people)"),
        _("Participation"),
        _("Given a code or paper ballot (people)"),
        _("Voted (people)"),
        _("Valid (sheets)"),
        _("Invalid (sheets)"),
    ]


def participation_cells(p: Participation) -> list[str]:
    return [
        fmt.count(p.invited),
        fmt.count(p.present),
        fmt.percent(p.rate),
        fmt.count(p.issued),
        fmt.count(p.returned),
        fmt.count(p.valid),
        fmt.count(p.invalid),
    ]


def withheld_paragraph(report: LeaderReport) -> str:
    return _(
        "Fewer than %(k)s valid ballots were cast about this leader: no result is shown, "
        "so that no respondent's answers can be inferred."
    ) % {"k": report.disclosure.k}


def item_cells(item: ItemRow, options: tuple[OptionColumn, ...]) -> list[str]:
    """Return the option cells ("12 · 40,0 %"), the mean and the low share of an item."""
    if item.counts is None:
        mark = fmt.SUPPRESSED_MARK
        bands = item.bands or tuple(None for _o in options)
        return [band or mark for band in bands] + [mark, mark]
    cells: list[str] = []
    shares = item.shares or tuple(None for _o in options)
    for option, n, share in zip(options, item.counts, shares, strict=True):
        if n is None:
            cells.append(fmt.SUPPRESSED_MARK)
        elif option.scored and share is not None:
            cells.append(f"{fmt.count(n)}\n{fmt.percent(share)}")
        else:
            cells.append(fmt.count(n))
    cells.append(fmt.number(item.mean))
    cells.append(fmt.percent(item.low_share))
    return cells


def table_note(report: LeaderReport) -> str:
    return _(
        "Each cell gives the number of answers and its share of the valid answers to the "
        "item (%(unscored)s and blanks are not counted in the share). Mean: from 4 (best) "
        "to 1. Low: share of low ratings. %(mark)s: not shown (disclosure rule); a band "
        "such as “≥ 80 %%” replaces the figures of a small group that answered unanimously. "
        "▲: flagged."
    ) % {
        "unscored": ", ".join(f"“{o.label}”" for o in report.options if not o.scored) or "—",
        "mark": fmt.SUPPRESSED_MARK,
    }


def score_headers(report: LeaderReport) -> list[str]:
    previous = report.previous_round_title or _("previous round")
    return [
        _("Section"),
        _("Mean score"),
        _("Good and fair share"),
        previous,
        report.average_label or _("District average"),
    ]


def score_cells(score: Score) -> list[str]:
    title = f"{score.key}. {score.title}" if score.key else score.title
    return [
        title,
        fmt.number(score.mean),
        fmt.percent(score.good_share),
        "—" if score.previous_mean is None else fmt.number(score.previous_mean),
        "—" if score.average_mean is None else fmt.number(score.average_mean),
    ]


def flag_rule_line(disclosure: Disclosure) -> str:
    line = _("Flag rule of the round: an item is flagged when %(rule)s.") % {
        "rule": disclosure.flag_rule
    }
    if disclosure.analogy_rule:
        line += " " + disclosure.analogy_rule
    return line


def flagged_line(item: ItemRow) -> str:
    figures = _("mean %(mean)s, low ratings %(low)s") % {
        "mean": fmt.number(item.mean),
        "low": fmt.percent(item.low_share),
    }
    text = item.text.rstrip().rstrip(".")
    return f"- {item.number}. {text} ({figures}; {', '.join(item.flags)})."


def comments_withheld(disclosure: Disclosure) -> str:
    return _(
        "Comments are shown only when at least %(k)s ballots were cast; they are withheld "
        "for this leader."
    ) % {"k": disclosure.k_comments}


def comments_intro() -> str:
    return _("Comments are transcribed as written, in random order, without any identifying data.")


def remediation_points(report: LeaderReport) -> list[str]:
    flagged = report.flagged_items
    if not flagged:
        return [
            _(
                "No item was flagged; the comrade keeps up the strengths and sets a "
                "self-cultivation plan for the next round."
            )
        ]
    return [
        end_sentence(
            _("- Identify the causes of and measures, owner and deadline for: %(item)s")
            % {"item": f"{item.number}. {item.text}"}
        )
        for item in flagged
    ]


def disclosure_lines(disclosure: Disclosure) -> list[str]:
    return [
        _(
            "No figure is shown for fewer than %(k)s ballots (k = %(k)s); cells that would let "
            "a hidden figure be worked out are also hidden; a small group in which everyone "
            "gave the same answer is shown as a band."
        )
        % {"k": disclosure.k},
        _("Comments are shown only from %(k)s ballots up, in random order.")
        % {"k": disclosure.k_comments},
        *disclosure.history,
    ]


def ward_headers() -> list[str]:
    return [
        _("Ward"),
        _("Invited (people)"),
        _("Present (people)"),
        _("Participation"),
        _("Valid (sheets)"),
        _("Invalid (sheets)"),
        _("Target met"),
    ]


def _met(value: bool | None) -> str:
    if value is None:
        return "—"
    return _("yes") if value else _("no")


def ward_cells(line: WardLine) -> list[str]:
    p = line.participation
    return [
        line.ward,
        fmt.count(p.invited),
        fmt.count(p.present),
        fmt.percent(p.rate),
        fmt.count(p.valid),
        fmt.count(p.invalid),
        _met(line.meets_target),
    ]


def total_cells(p: Participation) -> list[str]:
    return [
        _("Total"),
        fmt.count(p.invited),
        fmt.count(p.present),
        fmt.percent(p.rate),
        fmt.count(p.valid),
        fmt.count(p.invalid),
        "",
    ]


def leader_line_headers() -> list[str]:
    return [
        pgettext("report column", "No."),
        _("Leader"),
        _("Ward"),
        _("Mean score"),
        _("Good and fair share"),
        _("Flagged items"),
    ]


def leader_line_cells(line: LeaderLine, number: int | None = None) -> list[str]:
    return [
        str(number) if number is not None else "",
        f"{line.name} — {line.title}",
        line.ward,
        fmt.number(line.overall.mean),
        fmt.percent(line.overall.good_share),
        fmt.count(len(line.flagged)) if not line.withheld else fmt.SUPPRESSED_MARK,
    ]


def leader_flags_line(line: LeaderLine) -> str:
    if line.withheld:
        return _("- %(name)s (%(ward)s): not shown (fewer than k ballots).") % {
            "name": line.name,
            "ward": line.ward,
        }
    if not line.flagged:
        return _("- %(name)s (%(ward)s): no flagged item.") % {
            "name": line.name,
            "ward": line.ward,
        }
    return end_sentence(
        _("- %(name)s (%(ward)s): %(items)s")
        % {
            "name": line.name,
            "ward": line.ward,
            "items": "; ".join(text.rstrip().rstrip(".") for text in line.flagged),
        }
    )


def trend_line(summary: DistrictSummary) -> str:
    parts = [
        f"{title}: {fmt.number(mean)}"
        for title, mean in zip(summary.trend.round_titles, summary.trend.means, strict=True)
    ]
    return _("District mean score per round: %(parts)s.") % {"parts": "; ".join(parts)}


def page_context(report: LeaderReport) -> dict[str, object]:
    """Return the phrases of a leader report for its web page (same words as the files)."""
    return {
        "subject_line": leader_subject_line(report),
        "withheld_text": withheld_paragraph(report),
        "table_note": table_note(report),
        "score_headers": score_headers(report),
        "scores": [*report.sections, report.overall],
        "flag_rule": flag_rule_line(report.disclosure),
        "flagged_lines": [flagged_line(item) for item in report.flagged_items],
        "comments_withheld": comments_withheld(report.disclosure),
        "comments_intro": comments_intro(),
        "remediation": remediation_points(report),
        "disclosure_lines": disclosure_lines(report.disclosure),
    }
