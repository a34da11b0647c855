"""Build a fictional country at national scale in a scratch database (for benchmarks)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from phieukin.console.country import (
    FULL_COMMUNES,
    PROVINCES,
    CountrySize,
    check_country,
    country_exists,
    generate_country,
)
from phieukin.units.models import Unit


class Command(BaseCommand):
    help = (
        "Generate a fictional country (34 provinces, ~3,300 communes, 2 leaders each, 10 "
        "published rounds of ballots) with bulk inserts. Meant for a scratch database: it "
        "refuses a database that already has units unless --confirm is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--provinces", type=int, default=len(PROVINCES))
        parser.add_argument("--communes", type=int, default=FULL_COMMUNES)
        parser.add_argument("--rounds", type=int, default=10)
        parser.add_argument("--respondents", type=int, default=100)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--check",
            type=int,
            metavar="BOXES",
            help="Afterwards verify BOXES boxes drawn from each round (0: every box) with "
            "verify_box, and every round's stored tallies against its ballots.",
        )
        parser.add_argument(
            "--confirm", action="store_true", help="Add to a database that already has units."
        )
        parser.add_argument(
            "--resume",
            action="store_true",
            help="Give a country generated before the rounds it lacks up to --rounds (an "
            "interrupted build goes on; a shorter history grows). Its units and leaders stay.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        size = CountrySize(
            provinces=options["provinces"],
            communes=options["communes"],
            rounds=options["rounds"],
            respondents=options["respondents"],
            seed=options["seed"],
        )
        if not 1 <= size.provinces <= len(PROVINCES):
            raise CommandError(f"--provinces must be between 1 and {len(PROVINCES)}.")
        if size.communes < size.provinces or size.rounds < 1 or size.respondents < 10:
            raise CommandError("At least one commune per province, one round, ten respondents.")
        resume = options["resume"] and country_exists()
        if Unit.objects.exists() and not options["confirm"] and not resume:
            raise CommandError(
                f"Database {connection.settings_dict['NAME']} already has units; generate into "
                "a scratch database, or pass --confirm to add the country anyway."
            )
        built = generate_country(size=size, stdout=self.stdout, resume=resume)
        self.stdout.write(
            f"{built.communes} communes, {built.leaders} leaders, {built.rounds} rounds, "
            f"{built.ballots} ballots in {built.seconds:.0f} s"
        )
        if options["check"] is not None:
            checked = check_country(boxes_per_round=options["check"] or None)
            for problem in checked.problems:
                self.stderr.write(problem)
            self.stdout.write(
                f"checked: {checked.boxes} boxes verified, {checked.rounds} rounds' stored "
                f"tallies recomputed, {len(checked.problems)} problems"
            )
            if checked.problems:
                raise CommandError("The generated data does not verify.")
