"""The review form (bản kiểm điểm) of a collective or an individual, as an editable DOCX.

Party form (HD 36 heading through :mod:`phieukin.core.documents`), with the sections of
the annual review, the self-assessment written in the product, the self-grading (with
points under a points framework) and, as an annex, the evidence the reader may see;
the person signs the printed copy.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from phieukin.core import documents as doc
from phieukin.grading import rules
from phieukin.grading.evidence import gather
from phieukin.grading.models import Grading, SubjectKind
from phieukin.grading.texts import level_label, points
from phieukin.units import lineage


def _sections(individual: bool) -> list[str]:
    if individual:
        return [
            _("I. Strengths and results"),
            _("1. Political ideology"),
            _(
                "2. Ethics and lifestyle; sense of organisation and discipline; working style; "
                "responsibility to set an example"
            ),
            _("3. Carrying out the duties and tasks assigned in the year"),
            _("II. Shortcomings, weaknesses and their causes"),
            _("III. Results in remedying the shortcomings pointed out in earlier reviews"),
            _("IV. Explanation of the issues suggested for the review (if any)"),
            _("V. Personal responsibility for the shortcomings of the collective (if any)"),
            _("VI. Direction and measures to remedy the shortcomings"),
        ]
    return [
        _("I. Strengths and results in leading and directing the year's tasks"),
        _("II. Shortcomings, weaknesses and their causes"),
        _("III. Results in remedying the shortcomings pointed out in earlier reviews"),
        _("IV. Explanation of the issues suggested for the review (if any)"),
        _("V. Direction and measures to remedy the shortcomings"),
    ]


def review_form_docx(grading: Grading, reader: Any) -> bytes:
    """Return the review form of *grading*, with the evidence *reader* may see."""
    with override("vi"):
        unit = grading.unit
        individual = grading.kind == SubjectKind.INDIVIDUAL
        regulation = rules.rulebook().regulation(grading.year.regulation)
        # The unit's committee under the Party organisation above it (HD 36).
        body = lineage.issuing_body(unit, timezone.localdate(), by_department=False)
        header = doc.PartyHeader(
            superior=body.superior,
            issuer=body.issuer,
            number="",
            place=body.place,
            day=timezone.localdate(),
        )
        document = doc.docx_document(header)
        doc.docx_title(
            document,
            _("INDIVIDUAL REVIEW") if individual else _("COLLECTIVE REVIEW"),
            _("Self-criticism and criticism review, year %(year)s") % {"year": grading.year.year},
        )
        if individual:
            document.add_paragraph(_("Full name: %(name)s") % {"name": grading.name})
            document.add_paragraph(
                _("Position: %(position)s") % {"position": grading.position_title or "—"}
            )
        else:
            document.add_paragraph(_("Collective: %(name)s") % {"name": grading.name})
        document.add_paragraph(_("Unit: %(unit)s") % {"unit": unit})
        document.add_paragraph(_("Regulation applied: %(doc)s") % {"doc": regulation.document})
        for heading in _sections(individual):
            paragraph = document.add_paragraph()
            paragraph.add_run(heading).bold = True
            if heading == _sections(individual)[0] and grading.self_text:
                doc.docx_paragraph(document, grading.self_text)
            else:
                document.add_paragraph("…" * 20)
        paragraph = document.add_paragraph()
        paragraph.add_run(
            _("VII. Self-grading") if individual else _("VI. Self-grading")
        ).bold = True
        if grading.self_grade:
            text = level_label(grading.self_grade)
            if grading.self_general is not None and grading.self_tasks is not None:
                text += " — " + _(
                    "%(total)s points (general criteria %(general)s, task results %(tasks)s)"
                ) % {
                    "total": points(grading.self_general + grading.self_tasks),
                    "general": points(grading.self_general),
                    "tasks": points(grading.self_tasks),
                }
            document.add_paragraph(text)
        else:
            choices = " □ ".join(level.label for level in rules.rulebook().levels)
            document.add_paragraph("□ " + choices)
        for label, grade, text in (
            (_("Proposal of the advisory body"), grading.proposed_grade, grading.proposal_text),
            (_("Decision of the competent level"), grading.decided_grade, grading.decision_text),
        ):
            paragraph = document.add_paragraph()
            paragraph.add_run(label + ": ").bold = True
            paragraph.add_run(f"{level_label(grade)}. {text}".strip(". ") if grade else "…" * 20)
        evidence = [s for s in gather(reader, grading) if s.available and s.lines]
        if evidence:
            paragraph = document.add_paragraph()
            paragraph.add_run(_("Annex: evidence gathered by the system")).bold = True
            for section in evidence:
                paragraph = document.add_paragraph()
                paragraph.add_run(section.title).italic = True
                for line in section.lines:
                    document.add_paragraph(f"- {line.label}: {line.value}")
        doc.docx_signature(
            document,
            doc.SignatureBlock(
                authority=_("THE PERSON UNDER REVIEW") if individual else _("ON BEHALF OF"),
                position="" if individual else grading.name,
                name=grading.name if individual else "",
            ),
        )
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()
