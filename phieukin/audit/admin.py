"""Admin of the audit log: read-only, the chain must never be edited by hand."""

from __future__ import annotations

from django.contrib import admin

from phieukin.audit.models import AuditEvent, AuditHead
from phieukin.core.admin import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "actor_label", "action", "object_label", "unit"]
    list_filter = ["action", "unit"]
    search_fields = ["actor_label", "action", "object_label", "object_id"]
    date_hierarchy = "created_at"


@admin.register(AuditHead)
class AuditHeadAdmin(ReadOnlyAdmin):
    list_display = ["id", "count", "digest"]
