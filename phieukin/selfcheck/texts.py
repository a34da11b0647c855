"""Vietnamese sentences for the stable error codes of the pure checklist parser."""

from __future__ import annotations

from django.utils.translation import gettext as _

from phieukin.selfcheck.checklist import ChecklistFileError


def file_error_message(error: ChecklistFileError) -> str:
    """Return the parser's error as a sentence, with its line or row."""
    messages = {
        "bad_yaml": _("the file is not valid YAML (%(problem)s)"),
        "not_utf8": _("the file is not UTF-8 text"),
        "bad_xlsx": _("the file is not an Excel workbook (.xlsx)"),
        "missing_sheet": _("the workbook has no sheet “%(sheet)s”"),
        "not_mapping": _("the file must be a mapping with a code, groups and items"),
        "not_mapping_entry": _("every entry of “%(field)s” must be a mapping"),
        "not_list": _("“%(field)s” must be a list"),
        "missing_field": _("“%(field)s” is missing"),
        "not_text": _("“%(field)s” must be text"),
        "not_whole_number": _("“%(field)s” must be a positive whole number, not “%(value)s”"),
        "not_flag": _("“%(field)s” must be true or false, not “%(value)s”"),
        "duplicate_group": _("the group “%(key)s” appears twice"),
        "duplicate_item": _("the expression “%(key)s” appears twice"),
        "duplicate_order": _("the number %(order)s is used twice"),
        "unknown_group": _("expression “%(item)s” names an unknown group “%(group)s”"),
        "no_items": _("the checklist has no expressions"),
        "too_many_items": _("a checklist may have at most %(limit)s expressions"),
    }
    params = {"problem": "", **error.params}
    template = messages.get(error.code)
    message = str(template) % params if template is not None else error.code
    if error.line:
        return _("line %(line)s: %(message)s") % {"line": error.line, "message": message}
    return message
