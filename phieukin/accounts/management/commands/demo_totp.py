"""Print the current second-factor code of the demo users (the demo key is public)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from phieukin.accounts.demo import current_demo_code, demo_totp_secret


class Command(BaseCommand):
    help = "Print the current TOTP code of the demo key shared by every demo user."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(current_demo_code())
        self.stderr.write(f"(demo key {demo_totp_secret()}; a code lasts 30 seconds)")
