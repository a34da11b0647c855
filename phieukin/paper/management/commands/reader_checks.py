"""Print how the scan reader fared against the paper in every ward of a round."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from phieukin.core.templatetags.phieukin_tags import thousands as number
from phieukin.paper.selectors import SCAN_CHECK_FIGURES, reader_check_report
from phieukin.rounds.models import Round

COLUMNS = (
    ("Phường, xã", 28),
    ("Hòm phiếu", 14),
    ("Phiếu quét", 10),
    ("Kiểm tra", 9),
    ("Câu đối chiếu", 14),
    ("Câu khác", 9),
    ("Tờ có câu khác", 15),
    ("Câu xác nhận khi xem lại", 25),
    ("Đã sửa", 7),
)


class Command(BaseCommand):
    help = (
        "Print, ward by ward, how often the paper differed from the scan reader on the "
        "sheets checked at random, and the upper limit of the reader's error rate."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round", type=int, help="round id")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        rnd = Round.objects.filter(pk=options["round"]).first()
        if rnd is None:
            raise CommandError(f"Không có đợt lấy ý kiến số {options['round']}.")
        report = reader_check_report(None, rnd)
        if options["json"]:
            out = report.as_record(rnd.pk)
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"Kiểm tra máy đọc phiếu quét — {rnd.title}")
        if not report.rows or report.total is None:
            self.stdout.write("Chưa có phiếu nào được quét trong đợt này.")
            return
        self.stdout.write("  ".join(title.ljust(width) for title, width in COLUMNS))
        for row in [*report.rows, report.total]:
            ward = row.box.conference.unit.name if row.box else "Tổng cộng"
            state = (
                "" if row.box is None else ("đã niêm phong" if row.sealed else "chưa niêm phong")
            )
            cells = [ward, state] + [
                number(getattr(row, name)) for name in ("scanned", *SCAN_CHECK_FIGURES)
            ]
            self.stdout.write(
                "  ".join(
                    cell.ljust(width) for cell, (_t, width) in zip(cells, COLUMNS, strict=True)
                )
            )
        total = report.total
        if report.one_in:
            self.stdout.write(
                f"Phiếu giấy khác máy đọc ở {number(total.spot_differences)} trong "
                f"{number(total.spot_items)} câu đã kiểm tra. Với độ tin cậy 95 %, máy đọc sai "
                f"không quá 1 trong {number(report.one_in)} câu trên phiếu máy đọc không có "
                "nghi vấn."
            )
        else:
            self.stdout.write(
                "Chưa có tờ phiếu quét nào được đối chiếu với phiếu giấy: chưa biết tỷ lệ "
                "sai của máy đọc."
            )
        if report.boxes_without_scans:
            self.stdout.write(
                f"{number(report.boxes_without_scans)} hòm phiếu khác của đợt không có phiếu quét."
            )
