"""Writes of questionnaires: import from YAML, freeze."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from phieukin.accounts.access import authorize
from phieukin.audit.services import record_event
from phieukin.core.errors import Conflict
from phieukin.questionnaires.models import Item, Questionnaire, Scale, ScaleOption, Section
from phieukin.questionnaires.selectors import questionnaire_spec
from phieukin.questionnaires.yamlio import QuestionnaireSpec, parse_questionnaire

if TYPE_CHECKING:
    from phieukin.accounts.models import User

DEFAULT_TEMPLATE = Path(__file__).resolve().parent.parent / "data" / "questionnaire-neu-guong.yaml"


def import_questionnaire(*, actor: User | None, text: str) -> Questionnaire:
    """Create a questionnaire from YAML text; the code and version must be new."""
    authorize(actor, "questionnaire.import")
    spec = parse_questionnaire(text)
    with transaction.atomic():
        if Questionnaire.objects.filter(code=spec.code, version=spec.version).exists():
            raise Conflict(
                _("Questionnaire %(code)s version %(version)s already exists.")
                % {"code": spec.code, "version": spec.version},
                code="questionnaire_exists",
            )
        questionnaire = _create_from_spec(spec)
        record_event(
            actor=actor,
            action="questionnaire.import",
            obj=questionnaire,
            data={"code": spec.code, "version": spec.version, "items": len(spec.items)},
        )
    return questionnaire


def import_default_template(*, actor: User | None) -> Questionnaire:
    """Import the sample 21-item questionnaire shipped with the product, once."""
    spec = parse_questionnaire(DEFAULT_TEMPLATE.read_text(encoding="utf-8"))
    existing = Questionnaire.objects.filter(code=spec.code, version=spec.version).first()
    if existing is not None:
        return existing
    return import_questionnaire(actor=actor, text=DEFAULT_TEMPLATE.read_text(encoding="utf-8"))


def _create_from_spec(spec: QuestionnaireSpec) -> Questionnaire:
    questionnaire = Questionnaire.objects.create(
        code=spec.code,
        version=spec.version,
        title=spec.title,
        short_title=spec.short_title,
        instructions=spec.instructions,
        comment_label=spec.comment_label,
        comment_help=spec.comment_help,
        comment_max_length=spec.comment_max_length,
        respondent_groups=spec.respondent_groups,
        subject_positions=spec.subject_positions,
        suggested_rules=spec.suggested_rules,
        references=spec.references,
    )
    scales: dict[str, Scale] = {}
    for scale_spec in spec.scales:
        scale = Scale.objects.create(
            questionnaire=questionnaire, key=scale_spec.key, label=scale_spec.label
        )
        ScaleOption.objects.bulk_create(
            ScaleOption(
                scale=scale,
                key=o.key,
                label=o.label,
                description=o.description,
                score=o.score,
                order=index,
            )
            for index, o in enumerate(scale_spec.options)
        )
        scales[scale.key] = scale
    sections = {
        s.key: Section.objects.create(
            questionnaire=questionnaire, key=s.key, title=s.title, order=s.order
        )
        for s in spec.sections
    }
    Item.objects.bulk_create(
        Item(
            questionnaire=questionnaire,
            section=sections[i.section],
            scale=scales[i.scale],
            key=i.key,
            text=i.text,
            order=i.order,
            basis=i.basis,
        )
        for i in spec.items
    )
    return questionnaire


def freeze_questionnaire(*, actor: User | None, questionnaire: Questionnaire) -> Questionnaire:
    """Freeze the questionnaire so that no round's ballots can change meaning."""
    authorize(actor, "questionnaire.freeze", questionnaire)
    with transaction.atomic():
        locked = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
        if locked.frozen_at is None:
            locked.frozen_at = timezone.now()
            locked.save(update_fields=["frozen_at"])
            record_event(actor=actor, action="questionnaire.freeze", obj=locked)
    return locked


def new_version(*, actor: User | None, questionnaire: Questionnaire) -> Questionnaire:
    """Copy *questionnaire* as the next version of its code, editable (not frozen)."""
    authorize(actor, "questionnaire.new_version", questionnaire)
    with transaction.atomic():
        latest = (
            Questionnaire.objects.select_for_update()
            .filter(code=questionnaire.code)
            .aggregate(v=Max("version"))["v"]
        )
        spec = replace(questionnaire_spec(questionnaire), version=(latest or 0) + 1)
        copy = _create_from_spec(spec)
        record_event(
            actor=actor,
            action="questionnaire.new_version",
            obj=copy,
            data={"code": spec.code, "version": spec.version, "from": questionnaire.version},
        )
    return copy
