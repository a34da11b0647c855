"""Pages of questionnaires: list, detail, YAML upload and download."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from phieukin.accounts.access import can, permits
from phieukin.core.access import acting_user, require
from phieukin.core.errors import DomainError
from phieukin.core.uploads import upload_limit
from phieukin.questionnaires.forms import MAX_QUESTIONNAIRE_BYTES, UploadForm
from phieukin.questionnaires.messages import file_error_text
from phieukin.questionnaires.selectors import (
    questionnaire_detail,
    questionnaire_spec,
    questionnaires_for,
)
from phieukin.questionnaires.services import import_questionnaire, new_version
from phieukin.questionnaires.yamlio import QuestionnaireFileError, dump_questionnaire


@require(permits("questionnaire.view"))
def questionnaire_list(request: HttpRequest) -> HttpResponse:
    """List every questionnaire and version."""
    return render(
        request,
        "questionnaires/questionnaire_list.html",
        {
            "questionnaires": questionnaires_for(request.user).prefetch_related("rounds"),
            "can_upload": can(request.user, "questionnaire.import"),
        },
    )


@require(permits("questionnaire.view"))
def questionnaire_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a questionnaire's sections, items, scales and whether it is frozen."""
    questionnaire = get_object_or_404(questionnaires_for(request.user), pk=pk)
    scales, sections = questionnaire_detail(questionnaire)
    return render(
        request,
        "questionnaires/questionnaire_detail.html",
        {
            "q": questionnaire,
            "scales": scales,
            "sections": sections,
            "can_manage": can(request.user, "questionnaire.new_version", questionnaire),
        },
    )


@require(permits("questionnaire.view"))
def questionnaire_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the questionnaire as a YAML file that can be uploaded again."""
    questionnaire = get_object_or_404(questionnaires_for(request.user), pk=pk)
    text = dump_questionnaire(questionnaire_spec(questionnaire))
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    filename = f"{questionnaire.code}-v{questionnaire.version}.yaml"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@upload_limit(MAX_QUESTIONNAIRE_BYTES + 64 * 1024)
@require(permits("questionnaire.import"))
def questionnaire_upload(request: HttpRequest) -> HttpResponse:
    """Import a questionnaire from an uploaded YAML file; nothing is saved on error."""
    form = UploadForm(request.POST or None, request.FILES or None)
    file_error = ""
    status = 200
    if request.method == "POST" and not form.is_valid():
        # Like every upload: a file of another kind answers 415, one too large 413.
        if form.has_error("file", "upload_too_large"):
            status = 413
        elif form.has_error("file", "upload_type") or form.has_error("file", "not_utf8"):
            status = 415
    if request.method == "POST" and form.is_valid():
        raw = form.cleaned_data["file"].read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            file_error = _("The file is not UTF-8 text. Save it as UTF-8 and upload it again.")
        else:
            try:
                questionnaire = import_questionnaire(actor=acting_user(request), text=text)
            except QuestionnaireFileError as exc:
                file_error = file_error_text(exc)
            except DomainError as exc:
                file_error = str(exc.message)
            else:
                messages.success(
                    request,
                    _("Questionnaire %(title)s was imported.") % {"title": questionnaire},
                )
                return redirect("questionnaires:detail", pk=questionnaire.pk)
    return render(
        request,
        "questionnaires/questionnaire_upload.html",
        {"form": form, "file_error": file_error},
        status=status,
    )


@require_POST
@require(permits("questionnaire.new_version"))
def questionnaire_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy a questionnaire as its next, editable version."""
    questionnaire = get_object_or_404(questionnaires_for(request.user), pk=pk)
    copy = new_version(actor=acting_user(request), questionnaire=questionnaire)
    messages.success(
        request,
        _("Version %(version)s was made; edit it before a round uses it.")
        % {"version": copy.version},
    )
    return redirect("questionnaires:detail", pk=copy.pk)
