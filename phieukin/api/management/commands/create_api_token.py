"""Create an admin API token for a user and print it once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from phieukin.accounts.models import User
from phieukin.api.auth import create_api_token
from phieukin.core.errors import DomainError


class Command(BaseCommand):
    help = "Create an API token for USER named NAME; the token is printed once, never stored."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("user", help="username")
        parser.add_argument("name", help="a name for the token, e.g. the integrating system")
        parser.add_argument(
            "--days", type=int, default=None, help="lifetime in days (default 90, at most 365)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user {options['user']!r}.")
        try:
            secret = create_api_token(user=user, name=options["name"], days=options["days"])
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(secret)
