"""Add or remove a counting-committee account of a ward from the command line.

``manage.py committee_member add --ward "Phường Bồ Đề" --username kp.lan --name "Nguyễn Thị Lan"``
prints the temporary password once; ``manage.py committee_member remove --ward … --username …``
takes the member off the committee. Both run as the operator (``actor=None``) through the
same services as the web page, and are audited. ``--as USERNAME`` acts as that user, so
the ward office's own scope applies.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from phieukin.accounts import services
from phieukin.accounts.access import AccessDenied
from phieukin.accounts.models import Membership, User
from phieukin.core.errors import DomainError


class Command(BaseCommand):
    help = "Add or remove a counting-committee account of a ward."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["add", "remove"])
        parser.add_argument("--ward", required=True, help="the ward's name or id")
        parser.add_argument("--username", required=True)
        parser.add_argument("--name", default="", help="full name (add)")
        parser.add_argument("--as", dest="actor", default="", help="act as this user")

    def handle(self, *args: Any, **options: Any) -> None:
        unit_model = Membership._meta.get_field("unit").related_model
        manager = unit_model._default_manager  # type: ignore[union-attr]
        ward = options["ward"]
        units = manager.filter(pk=int(ward)) if ward.isdigit() else manager.filter(name=ward)
        if units.count() != 1:
            raise CommandError(f"No single unit named {ward!r}.")
        unit: Any = units.get()
        actor = None
        if options["actor"]:
            actor = User.objects.filter(username=options["actor"]).first()
            if actor is None:
                raise CommandError(f"No user {options['actor']!r}.")
        try:
            if options["action"] == "add":
                created = services.add_committee_member(
                    actor=actor, unit=unit, username=options["username"], full_name=options["name"]
                )
                self.stdout.write(
                    f"{created.user.username}\t{created.temporary_password}\n"
                    "Hand the temporary password over on paper; it is shown only once."
                )
            else:
                member = User.objects.filter(username=options["username"]).first()
                if member is None:
                    raise CommandError(f"No user {options['username']!r}.")
                services.remove_committee_member(actor=actor, unit=unit, user=member)
                self.stdout.write(f"{member.username} removed from the committee of {unit}.")
        except AccessDenied as exc:
            raise CommandError(str(exc)) from exc
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
