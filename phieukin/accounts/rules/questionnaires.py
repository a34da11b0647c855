"""Who reads, imports and versions questionnaires."""

from __future__ import annotations

from typing import Any

from phieukin.accounts import permissions
from phieukin.accounts.access import rule


@rule("questionnaire.view")
def view_questionnaires(actor: Any, obj: Any) -> bool:
    """Every back-office role reads questionnaires."""
    return permissions.is_back_office(actor)


@rule("questionnaire.import")
def import_questionnaire(actor: Any, obj: Any) -> bool:
    """A district organiser imports a questionnaire from YAML."""
    return permissions.can_manage_questionnaires(actor)


@rule("questionnaire.new_version")
def new_version(actor: Any, questionnaire: Any) -> bool:
    """A district organiser copies a questionnaire as its next version."""
    return permissions.can_manage_questionnaires(actor)


@rule("questionnaire.freeze")
def freeze(actor: Any, questionnaire: Any) -> bool:
    """A district organiser freezes a questionnaire (by opening a round that uses it)."""
    return permissions.can_manage_questionnaires(actor)
