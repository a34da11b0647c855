"""Read-only admin of the ballot core: nothing here can change a code, ballot or seal."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from phieukin.ballots.models import Ballot, Code, Receipt, Seal


class ReadOnlyAdmin(admin.ModelAdmin):
    """Allow viewing only; changes go through the services (and are audited)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Code)
class CodeAdmin(ReadOnlyAdmin):
    list_display = ("box", "state", "group")
    list_filter = ("state",)


@admin.register(Ballot)
class BallotAdmin(ReadOnlyAdmin):
    # No comment column and no per-ballot view of answers in lists: the admin is for
    # operators, not for reading ballots.
    list_display = ("box", "subject", "source", "valid")
    list_filter = ("source", "valid")
    exclude = ("comment",)


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = ("box", "value")


@admin.register(Seal)
class SealAdmin(ReadOnlyAdmin):
    list_display = ("box", "sealed_at", "digest", "reconciliation_acknowledged")
