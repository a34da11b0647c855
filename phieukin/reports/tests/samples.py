"""Hand-built report content for exporter tests that need no database."""

from __future__ import annotations

import datetime as dt

from phieukin.reports.content import (
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
)

OPTIONS = (
    OptionColumn("tot", "Tốt", True, False),
    OptionColumn("kha", "Khá", True, False),
    OptionColumn("trung_binh", "Trung bình", True, True),
    OptionColumn("yeu", "Yếu", True, True),
    OptionColumn("khong_danh_gia", "Không đánh giá", False, False),
)

HEAD = DocumentHead(
    superior="ĐẢNG BỘ QUẬN LONG BIÊN",
    issuer="QUẬN ỦY LONG BIÊN",
    number="Số     -BC/QU",
    place="Long Biên",
    day=dt.date(2026, 11, 20),
    recipients=("Thường trực Quận ủy,", "Đồng chí được góp ý,", "Lưu Văn phòng Quận ủy."),
    secrecy="MẬT",
    circulation="Tài liệu lưu hành nội bộ",
)

DISCLOSURE = Disclosure(
    k=5, k_comments=8, flag_rule="Trung bình + Yếu ≥ 20,0 % hoặc điểm trung bình < 3,00"
)


def item(number: int, counts: tuple[int, ...] | None, text: str = "") -> ItemRow:
    """Return an item row with figures consistent with *counts* (or suppressed)."""
    if counts is None:
        return ItemRow(
            number,
            f"nd{number:02d}",
            "I",
            text or f"Nội dung số {number}",
            None,
            None,
            None,
            None,
            None,
        )
    scored = counts[:4]
    answered = sum(scored)
    shares = (*(c / answered for c in scored), None)
    mean = sum(c * s for c, s in zip(scored, (4, 3, 2, 1), strict=True)) / answered
    low = (scored[2] + scored[3]) / answered
    flags = ("Trung bình + Yếu ≥ 20 %",) if low >= 0.2 else ()
    return ItemRow(
        number,
        f"nd{number:02d}",
        "I",
        text or f"Giữ gìn phẩm chất đạo đức, lối sống số {number}",
        counts,
        shares,
        answered,
        mean,
        low,
        previous_mean=3.1,
        average_mean=3.2,
        flags=flags,
    )


def leader_report(
    comments: tuple[str, ...] | None = ("Cần gần dân hơn.", "Đồng chí gương mẫu."),
    suppressed_item: bool = True,
) -> LeaderReport:
    items = [item(n, (10, 6, 3, 1, 2)) for n in range(1, 21)]
    items.append(item(21, None if suppressed_item else (1, 5, 8, 4, 2)))
    return LeaderReport(
        head=HEAD,
        round_title="Đợt II/2026",
        round_id=1,
        subject_id=1,
        name="Nguyễn Thị Ánh Dương",
        title="Bí thư Đảng ủy phường Bồ Đề",
        ward="Phường Bồ Đề",
        held_on=dt.date(2026, 11, 5),
        participation=Participation(25, 23, 0.92, 23, 23, 22, 1),
        options=OPTIONS,
        items=tuple(items),
        sections=(Score("I", "Phẩm chất chính trị, đạo đức", 3.25, 0.8, 3.1, 3.2),),
        overall=Score("", "Chung", 3.25, 0.8, 3.1, 3.2),
        disclosure=DISCLOSURE,
        comments=comments,
        ballots=22,
        previous_round_title="Đợt I/2026",
        average_label="Trung bình toàn quận",
    )


def district_summary() -> DistrictSummary:
    report = leader_report()
    leaders = tuple(
        LeaderLine(
            n,
            f"Trần Văn Số {n}",
            "Bí thư Đảng ủy phường",
            f"Phường {n}",
            Score("", "Chung", 3.0 + n / 20, 0.8),
            ("3. Nội dung",) if n % 3 == 0 else (),
        )
        for n in range(1, 7)
    )
    return DistrictSummary(
        head=HEAD,
        round_title="Đợt II/2026",
        round_id=1,
        district="Quận Long Biên",
        target=0.9,
        wards=(
            WardLine("Phường Bồ Đề", Participation(25, 23, 0.92, valid=44, invalid=2), True),
            WardLine("Phường Cự Khối", Participation(30, 24, 0.8, valid=40, invalid=0), False),
        ),
        total=Participation(55, 47, 47 / 55, valid=84, invalid=2),
        leaders=leaders,
        item_labels=tuple(str(n) for n in range(1, 22)),
        item_texts=tuple(f"Nội dung {n}" for n in range(1, 22)),
        heatmap=tuple(
            tuple(None if (r + c) % 11 == 0 else 2.5 + (r * c % 5) / 4 for c in range(6))
            for r in range(21)
        ),
        sections=(Score("I", "Phẩm chất", 3.2, 0.8),),
        overall=Score("", "Chung", 3.2, 0.8),
        trend=Trend(("Đợt I/2026", "Đợt II/2026"), (3.1, 3.2)),
        disclosure=DISCLOSURE,
        leader_reports=(report,),
    )
