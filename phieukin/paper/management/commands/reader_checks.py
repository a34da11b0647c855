"""Print how the scan reader fared against the paper in every ward of a round."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from phieukin.core.templatetags.phieukin_tags import thousands
from phieukin.paper.exports import COLUMNS, TITLE, TOTAL, conclusion, figures, state_of
from phieukin.paper.selectors import reader_check_report
from phieukin.rounds.models import Round

WIDTHS = (28, 16, 10, 12, 12, 12, 12, 14, 8)


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
        self.stdout.write(f"{TITLE} — {rnd.title}")
        if report.total is not None:
            self.stdout.write("  ".join(t.ljust(w) for t, w in zip(COLUMNS, WIDTHS, strict=True)))
            for row in [*report.rows, report.total]:
                ward = row.box.conference.unit.name if row.box else TOTAL
                cells = [ward, state_of(row), *(thousands(n) for n in figures(row))]
                self.stdout.write("  ".join(c.ljust(w) for c, w in zip(cells, WIDTHS, strict=True)))
        self.stdout.write(conclusion(report))
        if report.boxes_without_scans:
            self.stdout.write(
                f"{thousands(report.boxes_without_scans)} hòm phiếu khác của đợt không có "
                "phiếu quét."
            )
