"""Create or complete the Long Biên demonstration data and print the demo logins."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from phieukin.accounts.demo import demo_second_factor_lines
from phieukin.console.demo import DEMO_PASSWORD, seed_demo
from phieukin.criteria import demo as criteria_demo
from phieukin.followup import demo as followup_demo
from phieukin.grading import demo as grading_demo
from phieukin.recognition import demo as recognition_demo
from phieukin.records import demo as records_demo
from phieukin.selfcheck import demo as selfcheck_demo


class Command(BaseCommand):
    help = (
        "Long Biên demo: 14 wards, 28 fictional leaders, the sample questionnaire, two "
        "published 2022 rounds with synthetic ballots, the 01/07/2025 reorganisation into "
        "four wards under the city, the open Đợt II/2026 of the city, demo users. "
        "Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--respondents",
            type=int,
            default=100,
            help="About how many people attend each ward conference of the past rounds.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        result = seed_demo(
            respondents=options["respondents"],
            progress=lambda message: self.stdout.write(message),
        )
        followup_demo.seed(stdout=self.stdout)
        criteria_demo.seed(stdout=self.stdout)
        recognition_demo.seed(stdout=self.stdout)
        selfcheck_demo.seed(stdout=self.stdout)
        grading_demo.seed(stdout=self.stdout)
        records_demo.seed(stdout=self.stdout)  # last: it reports the parts of every record
        created = len(result.created)
        self.stdout.write(
            f"Done in {time.monotonic() - started:.1f} s "
            f"({created} new item(s); nothing is duplicated on a re-run)."
        )
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for every demo user: {DEMO_PASSWORD}):")
        width = max(len(login.username) for login in result.logins)
        for login in result.logins:
            person = f" — {login.person}" if login.person else ""
            self.stdout.write(f"  {login.username:<{width}}  {login.role}, {login.unit}{person}")
        self.stdout.write(
            "Passwords are set only when a demo user is created; a changed password stays."
        )
        for line in demo_second_factor_lines():
            self.stdout.write(line)
        if result.demo_codes:
            self.stdout.write("")
            self.stdout.write(
                "Unused voting codes of the open round's first ward (shown only once):"
            )
            for code in result.demo_codes:
                self.stdout.write(f"  {code}")
        if result.demo_shares:
            self.stdout.write("")
            self.stdout.write(
                "Key shares of the open round's boxes (shown only once; written beside them):"
            )
            for line in result.demo_shares:
                self.stdout.write(f"  {line}")
