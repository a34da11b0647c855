"""Print the district summary of a round's tally (sealed boxes only)."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from phieukin.rounds.models import Round, Subject
from phieukin.tallying import selectors
from phieukin.tallying.labels import reason_label
from phieukin.tallying.tally import Cell
from phieukin.units.models import Unit


def number(value: float | None, digits: int = 2) -> str:
    """Return *value* with a decimal comma (Vietnamese), or a dash."""
    if value is None:
        return "–"
    return f"{value:.{digits}f}".replace(".", ",")


def _fit(label: str, width: int = 64) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def percent(share: float | None) -> str:
    return "–" if share is None else number(100 * share, 1) + " %"


class Command(BaseCommand):
    help = "Print the district summary table of ROUND (id) over its sealed ballot boxes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round", type=int, help="round id")
        parser.add_argument(
            "--progress",
            action="store_true",
            help="show a progress bar even when not on a terminal",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rnd = Round.objects.filter(pk=options["round"]).first()
        if rnd is None:
            raise CommandError(f"No round {options['round']}.")
        with translation.override(settings.LANGUAGE_CODE):
            self._print(rnd, show_progress=options["progress"] or sys.stderr.isatty())

    def _bar(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        end = "\n" if done == total else ""
        label = _("Ballot boxes")
        bar = "#" * filled + " " * (width - filled)
        self.stderr.write(f"\r{label} [{bar}] {done}/{total}", ending=end)
        self.stderr.flush()

    def _print(self, rnd: Round, *, show_progress: bool) -> None:
        result = selectors.round_tally(rnd, progress=self._bar if show_progress else None)
        units = dict(
            Unit.objects.filter(pk__in=[w.unit for w in result.wards]).values_list("pk", "name")
        )
        names = {
            s.pk: f"{s.name} ({s.title})" for s in Subject.objects.filter(conference__round=rnd)
        }
        self.stdout.write(_("Tally of %(round)s (k = %(k)s)") % {"round": rnd.title, "k": result.k})
        columns = (
            _("Ward / leader"),
            _("Ballots"),
            _("Mean"),
            _("Good and fair"),
            _("Flagged items"),
        )
        header = "{:<64} {:>8} {:>8} {:>12} {:>16}".format(*columns)
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for ward in result.wards:
            self._row(units.get(ward.unit, str(ward.unit)), ward.total)
            for st in ward.subjects:
                self._row("  " + names.get(st.subject, str(st.subject)), st.total)
        self.stdout.write("-" * len(header))
        self._row(_("Whole district"), result.total)
        unsealed = selectors.unsealed_boxes(rnd)
        if unsealed:
            self.stdout.write(
                _("%(count)s ballot box(es) not sealed yet are left out.")
                % {"count": len(unsealed)}
            )

    def _row(self, label: str, cell: Cell) -> None:
        if cell.figures is None:
            self.stdout.write(f"{_fit(label):<64} {reason_label(cell.suppressed)}")
            return
        fig = cell.figures
        flagged = len({f.item for f in fig.flags if f.borrowed_from is None})
        self.stdout.write(
            f"{_fit(label):<64} {fig.ballots:>8} {number(fig.mean):>8} "
            f"{percent(fig.good_share):>12} {flagged:>16}"
        )
