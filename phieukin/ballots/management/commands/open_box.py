"""Open a ward's ballot box and write its codes and key shares to files (DESIGN.md §5).

Opening makes the box's key: its shares (t of n, plus the organiser's recovery share)
are written to ``--shares-out`` in their typed form, one a line (members first, the
recovery share last), and never kept by the product; without ``--shares-out`` they are
printed on stderr. With fewer than t of them the box can never be sealed.

The box is taken from the current open round when the ward has a conference there
(a conference is added when it has none); with no open round a new round is created
from the newest questionnaire (the default template when there is none) and opened.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from phieukin.ballots import services
from phieukin.core.errors import DomainError
from phieukin.questionnaires.models import Questionnaire
from phieukin.questionnaires.services import import_default_template
from phieukin.rounds.lifecycle import BoxState, RoundState
from phieukin.rounds.models import BallotBox, Conference, Round
from phieukin.rounds.services import add_conference, create_round, open_round
from phieukin.units.models import PositionType, Unit


def _ward(text: str) -> Unit:
    qs = Unit.objects.all()
    unit = qs.filter(pk=int(text)).first() if text.isdigit() else None
    if unit is None:
        matches = [u for u in qs.filter(name__iexact=text)] or [
            u for u in qs if u.name.casefold() == text.casefold() or u.slug == text
        ]
        if len(matches) != 1:
            raise CommandError(f"No single ward named {text!r}.")
        unit = matches[0]
    return unit


def _round_for(ward: Unit) -> Round:
    current = (
        Round.objects.filter(state=RoundState.OPEN, conferences__unit=ward)
        .order_by("-opened_at")
        .first()
        or Round.objects.filter(state=RoundState.OPEN).order_by("-opened_at").first()
    )
    if current is not None:
        return current
    organiser = ward.parent or ward
    questionnaire = Questionnaire.objects.order_by("-pk").first() or import_default_template(
        actor=None
    )
    today = timezone.localdate()
    number = 1 + max(
        Round.objects.filter(organiser_unit=organiser, year=today.year).values_list(
            "number", flat=True
        ),
        default=0,
    )
    rnd = create_round(
        actor=None,
        organiser_unit=organiser,
        title=f"Đợt {number}/{today.year}",
        year=today.year,
        number=number,
        questionnaire=questionnaire,
        position_types=PositionType.objects.all(),
        wards=[ward],
        conference_date=today,
    )
    return open_round(actor=None, round=rnd)


class Command(BaseCommand):
    help = "Open the ward's ballot box (in the current or a new open round) and write N codes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ward", required=True, help="ward name or id")
        parser.add_argument("--codes", type=int, default=0, help="number of codes to create")
        parser.add_argument("--codes-out", help="file to write the plain codes to, one a line")
        parser.add_argument(
            "--shares-out", help="file to write the box's key shares to (typed form), one a line"
        )
        parser.add_argument(
            "--threshold", type=int, default=services.DEFAULT_THRESHOLD, help="shares to seal"
        )
        parser.add_argument(
            "--members", type=int, default=services.DEFAULT_MEMBERS, help="committee shares"
        )
        parser.add_argument(
            "--no-recovery", action="store_true", help="no recovery share for the organiser"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["codes"] and not options["codes_out"]:
            raise CommandError("--codes needs --codes-out FILE.")
        ward = _ward(options["ward"])
        try:
            rnd = _round_for(ward)
            conference = Conference.objects.filter(round=rnd, unit=ward).first()
            if conference is None:
                with transaction.atomic():
                    conference = add_conference(
                        round=rnd,
                        ward=ward,
                        held_on=timezone.localdate(),
                        position_types=rnd.position_types.all(),
                    )
            box = BallotBox.objects.get(conference=conference)
            opening = None
            if box.state == BoxState.PREPARED:
                opening = services.open_box(
                    actor=None,
                    box=box,
                    threshold=options["threshold"],
                    members=options["members"],
                    recovery=not options["no_recovery"],
                )
                box = opening.box
            elif box.state != BoxState.OPEN:
                raise CommandError(f"The box of {ward.name} in {rnd} is {box.state}.")
            elif options["shares_out"]:
                raise CommandError(
                    f"The box of {ward.name} is already open; its shares were handed out "
                    "when it was opened and are not kept."
                )
            codes = (
                services.generate_codes(actor=None, box=box, count=options["codes"])
                if options["codes"]
                else []
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        if options["codes_out"]:
            Path(options["codes_out"]).write_text(
                "".join(f"{c}\n" for c in codes), encoding="utf-8"
            )
        if opening is not None:
            lines = "".join(f"{share}\n" for share in opening.shares)
            if options["shares_out"]:
                Path(options["shares_out"]).write_text(lines, encoding="utf-8")
            else:
                self.stderr.write(
                    f"Key shares of box {box.pk} ({opening.threshold} of {opening.members} seal "
                    "it; the last is the organiser's recovery share when there is one). They "
                    "are not kept: print or store them now.\n" + lines
                )
        self.stdout.write(str(box.pk))
