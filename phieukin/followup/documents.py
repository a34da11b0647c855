"""The printable A4 poster of a posted self-cultivation plan, with the QR code of its page.

Posted at the workplace (niêm yết): the plan's text grouped by area and a QR code that
opens the unit's public page on a phone, where citizens read the plans and send feedback.
"""

from __future__ import annotations

import io
from collections import defaultdict

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, Paragraph, Spacer, Table, TableStyle

from phieukin.core import documents as party
from phieukin.followup.models import Area, CultivationPlan
from phieukin.units import lineage

DOCUMENT_LANGUAGE = "vi"


def public_unit_url(unit_id: int) -> str:
    """Return the absolute address of a unit's public page of posted plans."""
    base = str(settings.PHIEUKIN_PUBLIC_URL).rstrip("/")
    # The public app owns the route; naming it here imports nothing from above.
    return base + reverse("public:posted_plans", args=[unit_id])


def public_plan_url(plan: CultivationPlan) -> str:
    """Return the address printed in the poster's QR code: the unit page, at this plan."""
    return f"{public_unit_url(plan.unit_id)}#ke-hoach-{plan.pk}"


def qr_png(payload: str) -> bytes:
    """Return a QR code of *payload* as PNG (error correction M, quiet zone 4)."""
    buffer = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()


def grouped_commitments(plan: CultivationPlan) -> list[tuple[str, list[str]]]:
    """Return the plan's commitments grouped by area, in the areas' order."""
    groups: dict[str, list[str]] = defaultdict(list)
    for c in plan.commitments.all():
        groups[c.area].append(c.text)
    return [(str(label), groups[value]) for value, label in Area.choices if groups[value]]


def poster_pdf(plan: CultivationPlan) -> bytes:
    """Return the A4 poster of *plan* (HD 36 margins, Liberation Serif, QR bottom right)."""
    with override(DOCUMENT_LANGUAGE):
        st = party.styles()
        unit = plan.unit
        day = timezone.localtime(plan.posted_at).date() if plan.posted_at else timezone.localdate()
        # The unit's committee under the Party organisation above it on that day (HD 36).
        body = lineage.issuing_body(unit, day, by_department=False)
        header = party.PartyHeader(
            superior=body.superior,
            issuer=body.issuer,
            number="",
            place=body.place,
            day=day,
        )
        flow: list[Flowable] = party.header_flowables(header)
        flow += party.title_flowables(
            _("SELF-CULTIVATION, TRAINING AND STRIVING PLAN"),
            _("Year %(year)s") % {"year": plan.year},
        )
        flow.append(
            Paragraph(
                party.escape(
                    _("Comrade %(name)s — %(position)s")
                    % {"name": plan.person.full_name, "position": plan.position_title}
                ),
                st["summary"],
            )
        )
        flow.append(Spacer(1, 4 * mm))
        if plan.intro:
            flow.append(Paragraph(party.escape(plan.intro), st["body"]))
        for n, (label, texts) in enumerate(grouped_commitments(plan), start=1):
            flow.append(Paragraph(f"<b>{n}. {party.escape(label)}</b>", st["body"]))
            flow += [Paragraph(party.escape(f"- {t}"), st["body"]) for t in texts]
        url = public_plan_url(plan)
        qr = Image(io.BytesIO(qr_png(url)), width=42 * mm, height=42 * mm)
        caption = [
            Paragraph(
                party.escape(
                    _(
                        "Officials, Party members and citizens are invited to follow and "
                        "supervise this plan. Scan the code to read it and send feedback:"
                    )
                ),
                st["body"],
            ),
            Paragraph(party.escape(url), st["recipients"]),
        ]
        table = Table([[caption, qr]], colWidths=[party.CONTENT_WIDTH - 46 * mm, 46 * mm])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        flow += [Spacer(1, 6 * mm), table]
        buffer = io.BytesIO()
        party.build_pdf(
            buffer, flow, title=_("Self-cultivation plan %(year)s") % {"year": plan.year}
        )
        return buffer.getvalue()
