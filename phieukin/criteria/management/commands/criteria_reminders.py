"""List (and with --queue, queue) the quarter's assessments and reviews not done."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from phieukin.criteria import scoring, services
from phieukin.criteria.models import Commitment


class Command(BaseCommand):
    help = (
        "List the self-assessments and reviews of the professional criteria not done for a "
        "quarter (default: the last ended quarter); --queue puts a reminder on the dashboard "
        "of each official or reviewer concerned."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int)
        parser.add_argument("--quarter", type=int, choices=scoring.QUARTERS)
        parser.add_argument("--unit", type=int, help="Only this unit (id).")
        parser.add_argument("--queue", action="store_true", help="Queue the reminders.")

    def handle(self, *args: Any, **options: Any) -> None:
        year, quarter = scoring.last_ended_quarter(timezone.localdate())
        if options["year"]:
            year = options["year"]
            quarter = options["quarter"] or 4
        if options["quarter"]:
            quarter = options["quarter"]
        qs = Commitment.objects.filter(year=year).select_related("person", "unit")
        if options["unit"]:
            qs = qs.filter(unit_id=options["unit"])
        commitments = list(qs.order_by("unit__sort_key", "person__sort_key"))
        if not commitments:
            raise CommandError(f"No commitments for {year}.")
        items = services.outstanding(commitments, quarter)
        self.stdout.write(f"Quarter {quarter}/{year}: {len(items)} not done")
        for item in items:
            self.stdout.write(
                f"  {item.commitment.unit}\t{item.commitment.person}\t{item.kind}"
                f"\t{item.state or 'none'}"
            )
        if options["queue"]:
            queued = services.queue_reminders(
                actor=None, year=year, quarter=quarter, commitments=commitments
            )
            self.stdout.write(f"{len(queued)} new reminder(s) queued.")
