"""Vietnamese text of the pure YAML reader's errors (``yamlio.py`` keeps English templates)."""

from __future__ import annotations

from django.utils.translation import gettext

from phieukin.questionnaires.yamlio import Message, QuestionnaireFileError


def message_text(message: Message) -> str:
    """Return *message* translated, its parameters too when they are messages themselves."""
    params = {
        key: message_text(value) if isinstance(value, Message) else value
        for key, value in message.params
    }
    template = gettext(message.template)
    return template % params if params else template


def file_error_text(error: QuestionnaireFileError) -> str:
    """Return the Vietnamese text of a questionnaire file error, with its line number."""
    text = message_text(error.message)
    if error.line:
        return gettext("line %(line)s: %(message)s") % {"line": error.line, "message": text}
    return text
