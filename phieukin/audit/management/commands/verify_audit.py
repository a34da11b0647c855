"""Verify the audit chain: exit 0 when intact, 1 naming the first broken event."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from phieukin.audit.services import verify_chain


class Command(BaseCommand):
    help = "Recompute every audit digest; fail with the first broken event."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.ok:
            where = f"event #{report.event_id}" if report.event_id else "end of the chain"
            raise CommandError(
                f"Audit chain BROKEN at {where}: {report.problem} "
                f"({report.checked} events verified before it)."
            )
        self.stdout.write(f"Audit chain intact: {report.checked} events verified.")
