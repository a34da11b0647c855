"""Read scanned paper ballots into a box, like the upload page, from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from phieukin.core.errors import DomainError
from phieukin.paper.models import PaperOptions, PendingReading, ReaderCheck, ReviewCrop
from phieukin.paper.services import Upload, process_batch, set_spot_check, upload_scans
from phieukin.rounds.models import BallotBox


def _bar(done: int, total: int, width: int = 30) -> str:
    filled = width * done // total if total else width
    return f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}"


def _check_figures(box: BallotBox) -> dict[str, int]:
    """Return the box's blind-check figures so far (counts only)."""
    check = ReaderCheck.objects.filter(box=box).first()
    return {
        "sheets_checked": check.spot_copies if check else 0,
        "items_compared": check.spot_items if check else 0,
        "items_differing": check.spot_differences if check else 0,
    }


class Command(BaseCommand):
    help = (
        "Store scan files (PDF, PNG, JPEG, TIFF) as evidence of BOX and read them: clear "
        "sheets become ballots, doubtful ones wait in the review queue."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("box", type=int, help="ballot box id")
        parser.add_argument("files", nargs="+", help="scan files")
        parser.add_argument("--json", action="store_true", help="print a JSON summary")
        parser.add_argument("--workers", type=int, default=2, help="reading processes (default 2)")
        parser.add_argument(
            "--spot-check",
            type=int,
            metavar="PERCENT",
            help=(
                "set the box's share (0-100) of sheets read without doubt that are sent at "
                "random to a member, who types them blind from the paper (default: keep it)"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stderr.style_func = None  # the progress bar is plain text
        box = BallotBox.objects.filter(pk=options["box"]).first()
        if box is None:
            raise CommandError(f"No ballot box {options['box']}.")
        uploads = []
        for name in options["files"]:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"{name}: no such file.")
            uploads.append(Upload(path.name, path))  # streamed, never read whole
        try:
            if options["spot_check"] is not None:
                set_spot_check(actor=None, box=box, percent=options["spot_check"])
            batch = upload_scans(actor=None, box=box, files=uploads)
            while not batch.done:
                batch = process_batch(
                    actor=None, batch=batch, max_pages=8, workers=options["workers"]
                )
                self.stderr.write(_bar(batch.cursor, batch.pages_total), ending="")
                self.stderr.flush()
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stderr.write("")
        summary = {
            "box": box.pk,
            "batch": batch.pk,
            "pages_read": batch.pages_total - len(batch.refusals),
            "pages_total": batch.pages_total,
            "ballots_entered": batch.ballots_entered,
            "sheets_sent_to_review": batch.sent_to_review,
            "sheets_chosen_for_a_random_check": batch.spot_checks,
            "random_check_percent": PaperOptions.spot_check_of(box),
            "random_check_so_far": _check_figures(box),
            "items_waiting_for_review": ReviewCrop.objects.filter(reading__box=box).count(),
            "sheets_waiting_in_box": PendingReading.objects.filter(box=box).count(),
            "pages_refused": [
                {
                    "file": r["file"],
                    "page": r["page"],
                    "code": r.get("code", ""),
                    "reason": r["reason"],
                }
                for r in batch.refusals
            ],
        }
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"pages read {summary['pages_read']}/{batch.pages_total}, "
            f"ballots entered {batch.ballots_entered}, "
            f"sheets sent to review {batch.sent_to_review} "
            f"(of them chosen at random for a check {batch.spot_checks}), "
            f"items waiting for review {summary['items_waiting_for_review']}, "
            f"pages refused {len(batch.refusals)}"
        )
        for r in batch.refusals:
            self.stdout.write(f"  {r['file']} p.{r['page']}: {r['reason']}")
