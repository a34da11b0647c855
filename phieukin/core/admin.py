"""The Django admin site in Vietnamese, and helpers shared by the apps' admin modules."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("phiếu kín — administration")
admin.site.site_title = _("phiếu kín administration")
admin.site.index_title = _("Data administration")


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin that shows records but never adds, changes or deletes them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
