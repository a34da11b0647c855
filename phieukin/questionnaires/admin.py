"""Admin of questionnaires; a frozen questionnaire and all its parts are read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from phieukin.core.admin import AuditedAdmin
from phieukin.questionnaires.models import Item, Questionnaire, Scale, ScaleOption, Section


def _questionnaire_of(obj: Any) -> Questionnaire | None:
    if obj is None:
        return None
    if isinstance(obj, Questionnaire):
        return obj
    if isinstance(obj, ScaleOption):
        return obj.scale.questionnaire
    questionnaire = getattr(obj, "questionnaire", None)
    return questionnaire if isinstance(questionnaire, Questionnaire) else None


def _frozen(obj: Any) -> bool:
    questionnaire = _questionnaire_of(obj)
    return questionnaire is not None and questionnaire.is_frozen


class FrozenModelAdmin(AuditedAdmin):
    """Refuse changes and deletions to anything that belongs to a frozen questionnaire."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _frozen(obj) and super().has_delete_permission(request, obj)


class FrozenInline(admin.TabularInline):
    """An inline that is read-only when its questionnaire is frozen."""

    extra = 0

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _frozen(obj) and super().has_delete_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _frozen(obj) and super().has_add_permission(request, obj)


class PartForm(forms.ModelForm):
    """Reject a new part added to a frozen questionnaire from the part's own admin page."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parent = data.get("questionnaire") or getattr(data.get("scale"), "questionnaire", None)
        if parent is not None and parent.is_frozen:
            raise forms.ValidationError(_("This questionnaire is frozen; make a new version."))
        return data


class ScaleInline(FrozenInline):
    model = Scale


class SectionInline(FrozenInline):
    model = Section


class ItemInline(FrozenInline):
    model = Item
    fields = ["order", "key", "section", "scale", "text"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(FrozenModelAdmin):
    list_display = ["title", "code", "version", "frozen_at", "created_at"]
    list_filter = ["code", "frozen_at"]
    search_fields = ["title", "short_title", "code"]
    readonly_fields = ["frozen_at", "created_at"]
    inlines = [ScaleInline, SectionInline, ItemInline]


class ScaleOptionInline(FrozenInline):
    model = ScaleOption


@admin.register(Scale)
class ScaleAdmin(FrozenModelAdmin):
    form = PartForm
    list_display = ["label", "key", "questionnaire"]
    list_filter = ["questionnaire"]
    search_fields = ["label", "key"]
    inlines = [ScaleOptionInline]


@admin.register(ScaleOption)
class ScaleOptionAdmin(FrozenModelAdmin):
    form = PartForm
    list_display = ["label", "key", "score", "order", "scale"]
    list_filter = ["scale__questionnaire"]
    search_fields = ["label", "key"]


@admin.register(Section)
class SectionAdmin(FrozenModelAdmin):
    form = PartForm
    list_display = ["key", "title", "order", "questionnaire"]
    list_filter = ["questionnaire"]
    search_fields = ["title", "key"]


@admin.register(Item)
class ItemAdmin(FrozenModelAdmin):
    form = PartForm
    list_display = ["order", "key", "text", "section", "questionnaire"]
    list_filter = ["questionnaire", "section__key"]
    search_fields = ["text", "key"]
