"""Export a leader's record for the personnel file (an audited act)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify

from phieukin.accounts.access import authorize
from phieukin.audit.services import record_event
from phieukin.records import documents
from phieukin.records.parts import feedback_subjects
from phieukin.records.selectors import record_for, record_subject
from phieukin.reports.services import record_report_access
from phieukin.units.models import Person, Tenure

if TYPE_CHECKING:
    from phieukin.accounts.models import User

FORMATS = {
    "pdf": ("application/pdf", documents.render_pdf),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        documents.render_docx,
    ),
}


@dataclass(frozen=True)
class ExportedRecord:
    filename: str
    content_type: str
    data: bytes
    parts: tuple[str, ...]


def export_record(*, actor: User | None, person: Person, fmt: str) -> ExportedRecord:
    """Render what *actor* sees of the person's record as PDF or DOCX, and audit it."""
    if fmt not in FORMATS:
        raise KeyError(fmt)
    authorize(actor, "record.export", record_subject(person))
    content_type, renderer = FORMATS[fmt]
    latest = Tenure.objects.filter(person=person).select_related("position__unit__parent")
    tenure = latest.order_by("-start").first()
    with translation.override("vi"):
        record = record_for(actor, person)
        header = documents.header_for(
            tenure.position.unit if tenure else None, timezone.localdate()
        )
        data = renderer(record, header)
    parts = tuple(p.key for p in record.parts)
    with transaction.atomic():
        if actor is not None and "feedback" in parts:
            note_report_openings(actor=actor, person=person, fmt=fmt)
        record_event(
            actor=actor,
            action="record.export",
            obj=person,
            data={"format": fmt, "parts": list(parts)},
        )
    slug = slugify(person.full_name.replace("đ", "d").replace("Đ", "D")) or "ho-so"
    return ExportedRecord(f"ho-so-{slug}.{fmt}", content_type, data, parts)


def note_report_openings(*, actor: User, person: Person, fmt: str = "html") -> int:
    """Log, in each report's access log, that *actor* read its figures in the record.

    The record shows the overall figures of confidential reports; the district organiser
    sees these readings among the report's openings, as if the report had been opened.
    """
    subjects = feedback_subjects(record_subject(person), actor)
    with transaction.atomic():
        for subject in subjects:
            record_report_access(actor=actor, subject=subject, fmt=fmt)
    return len(subjects)
