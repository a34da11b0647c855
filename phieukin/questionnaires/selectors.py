"""Reads of questionnaires, and their conversion back to a spec for export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from phieukin.accounts.access import can
from phieukin.questionnaires.models import Item, Questionnaire, Scale, Section
from phieukin.questionnaires.yamlio import (
    ItemSpec,
    OptionSpec,
    QuestionnaireSpec,
    ScaleSpec,
    SectionSpec,
)


def questionnaire_spec(questionnaire: Questionnaire) -> QuestionnaireSpec:
    """Return the questionnaire as a spec (for YAML export and for rendering ballots)."""
    scales = [
        ScaleSpec(
            key=s.key,
            label=s.label,
            options=[
                OptionSpec(key=o.key, label=o.label, score=o.score, description=o.description)
                for o in s.options.order_by("order")
            ],
        )
        for s in questionnaire.scales.prefetch_related("options").order_by("id")
    ]
    sections = [
        SectionSpec(key=s.key, title=s.title, order=s.order)
        for s in questionnaire.sections.order_by("order")
    ]
    items = [
        ItemSpec(
            key=i.key,
            section=i.section.key,
            scale=i.scale.key,
            text=i.text,
            order=i.order,
            basis=list(i.basis),
        )
        for i in questionnaire.items.select_related("section", "scale").order_by("order")
    ]
    return QuestionnaireSpec(
        code=questionnaire.code,
        version=questionnaire.version,
        title=questionnaire.title,
        short_title=questionnaire.short_title,
        instructions=questionnaire.instructions,
        scales=scales,
        sections=sections,
        items=items,
        comment_label=questionnaire.comment_label,
        comment_help=questionnaire.comment_help,
        comment_max_length=questionnaire.comment_max_length,
        respondent_groups=list(questionnaire.respondent_groups),
        subject_positions=list(questionnaire.subject_positions),
        suggested_rules=dict(questionnaire.suggested_rules),
        references=list(questionnaire.references),
    )


def questionnaires_for(user: Any) -> QuerySet[Questionnaire]:
    """Return the questionnaires the user may read (every back-office role reads all)."""
    if not can(user, "questionnaire.view"):
        return Questionnaire.objects.none()
    return Questionnaire.objects.all()


@dataclass(frozen=True)
class SectionView:
    """A section with its items, for the detail page."""

    section: Section
    items: list[Item]


def questionnaire_detail(questionnaire: Questionnaire) -> tuple[list[Scale], list[SectionView]]:
    """Return the scales (with options) and the sections (with items) in order."""
    scales = list(questionnaire.scales.prefetch_related("options").order_by("id"))
    items = list(questionnaire.items.select_related("scale").order_by("order"))
    sections = [
        SectionView(section=s, items=[i for i in items if i.section_id == s.pk])
        for s in questionnaire.sections.order_by("order")
    ]
    return scales, sections
