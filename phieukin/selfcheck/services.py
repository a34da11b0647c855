"""Writes of the Directive 24 self-check: import a checklist, record sessions and follow-up.

Each service authorizes its own action, runs in one transaction and writes an audit
event.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from phieukin.accounts.access import authorize
from phieukin.audit.services import record_event
from phieukin.core.errors import Conflict, DomainError
from phieukin.core.uploads import MB, validate_bytes
from phieukin.selfcheck import checklist as parser
from phieukin.selfcheck.models import (
    Checklist,
    ChecklistGroup,
    ChecklistItem,
    Entry,
    EntryKind,
    Finding,
    FindingStatus,
    Session,
)
from phieukin.selfcheck.texts import file_error_message

if TYPE_CHECKING:
    from phieukin.accounts.models import User
    from phieukin.units.models import Person, Unit


CHECKLIST_MAX_BYTES = 2 * MB
CHECKLIST_KINDS = ("text", "xlsx")
CHECKLIST_ACCEPTED = "YAML (UTF-8), XLSX"


def import_checklist(*, actor: User | None, data: bytes, filename: str) -> Checklist:
    """Import a checklist version from a YAML or XLSX file; refuse an existing version.

    The kind is read from the content (an XLSX workbook or UTF-8 text), never from
    *filename*; another kind or more than ``CHECKLIST_MAX_BYTES`` is refused
    (``UploadRefused``, 415 or 413) before anything is parsed.
    """
    authorize(actor, "selfcheck.import_checklist")
    kind = validate_bytes(
        data, kinds=CHECKLIST_KINDS, max_bytes=CHECKLIST_MAX_BYTES, accepted=CHECKLIST_ACCEPTED
    )
    try:
        # An empty name takes the parser's text (YAML) path.
        spec = parser.parse_xlsx(data) if kind == "xlsx" else parser.parse(data, "")
    except parser.ChecklistFileError as exc:
        raise DomainError(file_error_message(exc), code="bad_checklist_file") from exc
    with transaction.atomic():
        if Checklist.objects.filter(code=spec.code, version=spec.version).exists():
            raise Conflict(
                _("Version %(version)s of the checklist “%(code)s” was already imported.")
                % {"version": spec.version, "code": spec.code},
                code="checklist_exists",
            )
        checklist = Checklist.objects.create(
            code=spec.code,
            version=spec.version,
            title=spec.title,
            document=spec.document,
            filename=filename[:200],
            imported_by=actor,
        )
        groups = {
            g.key: ChecklistGroup.objects.create(
                checklist=checklist, key=g.key, order=g.order, title=g.title, verified=g.verified
            )
            for g in spec.groups
        }
        ChecklistItem.objects.bulk_create(
            ChecklistItem(
                checklist=checklist,
                group=groups.get(i.group),
                key=i.key,
                order=i.order,
                text=i.text,
                verified=i.verified,
                note=i.note,
            )
            for i in spec.items
        )
        record_event(
            actor=actor,
            action="selfcheck.checklist_imported",
            obj=checklist,
            data={"items": spec.count, "drafts": spec.drafts, "file": filename},
        )
    return checklist


def _check_counts(participants: int, speakers: int) -> None:
    if participants < 0 or speakers < 0 or speakers > participants:
        raise DomainError(
            _("The number of speakers cannot exceed the number of participants."),
            code="bad_counts",
        )


def create_session(
    *,
    actor: User | None,
    unit: Unit,
    period: str,
    checklist: Checklist,
    title: str,
    held_on: dt.date,
    participants: int,
    speakers: int,
    place: str = "",
    chaired_by: str = "",
    speaker_names: str = "",
    conclusion: str = "",
) -> Session:
    """Record a unit's self-check session of a period, with its collective entry."""
    authorize(actor, "selfcheck.create_session", unit)
    _check_counts(participants, speakers)
    period = period.strip()
    if not period:
        raise DomainError(_("Give the period, e.g. 2023."), code="no_period")
    with transaction.atomic():
        if Session.objects.filter(unit=unit, period=period).exists():
            raise Conflict(
                _("%(unit)s already has a self-check session for %(period)s.")
                % {"unit": unit, "period": period},
                code="session_exists",
            )
        session = Session.objects.create(
            unit=unit,
            period=period,
            checklist=checklist,
            title=title.strip()
            or _("Self-check under Directive 24-CT/TU, %(period)s") % {"period": period},
            held_on=held_on,
            participants=participants,
            speakers=speakers,
            place=place,
            chaired_by=chaired_by,
            speaker_names=speaker_names,
            conclusion=conclusion,
            created_by=actor,
        )
        Entry.objects.create(
            session=session,
            kind=EntryKind.COLLECTIVE,
            name=unit.party_committee or unit.full_name or unit.name,
        )
        record_event(
            actor=actor,
            action="selfcheck.session_created",
            obj=session,
            unit=unit,
            data={"period": period, "participants": participants, "speakers": speakers},
        )
    return session


def update_session(
    *,
    actor: User | None,
    session: Session,
    participants: int,
    speakers: int,
    speaker_names: str,
    conclusion: str,
) -> Session:
    """Correct the attendance figures and the conclusion of a session."""
    authorize(actor, "selfcheck.record", session)
    _check_counts(participants, speakers)
    with transaction.atomic():
        before = {"participants": session.participants, "speakers": session.speakers}
        session.participants = participants
        session.speakers = speakers
        session.speaker_names = speaker_names
        session.conclusion = conclusion
        session.save()
        record_event(
            actor=actor,
            action="selfcheck.session_updated",
            obj=session,
            unit=session.unit,
            data={"before": before, "participants": participants, "speakers": speakers},
        )
    return session


def add_individual(
    *,
    actor: User | None,
    session: Session,
    name: str,
    role_title: str = "",
    person: Person | None = None,
) -> Entry:
    """Add an individual who compares themselves with the checklist in the session."""
    authorize(actor, "selfcheck.record", session)
    name = name.strip() or (person.full_name if person else "")
    if not name:
        raise DomainError(_("Give the individual's name."), code="no_name")
    with transaction.atomic():
        entry = Entry.objects.create(
            session=session,
            kind=EntryKind.INDIVIDUAL,
            name=name,
            role_title=role_title,
            person=person,
        )
        record_event(
            actor=actor,
            action="selfcheck.individual_added",
            obj=entry,
            unit=session.unit,
            data={"session": session.pk},
        )
    return entry


def record_finding(
    *,
    actor: User | None,
    entry: Entry,
    item: ChecklistItem,
    remedy: str,
    follow_up_by: str,
    due_on: dt.date,
) -> Finding:
    """Record that an expression applies to *entry*, with the remedy, follow-up and deadline."""
    session = entry.session
    authorize(actor, "selfcheck.record", session)
    if item.checklist_id != session.checklist_id:
        raise DomainError(
            _("The expression is not on the checklist this session uses."), code="wrong_checklist"
        )
    if not remedy.strip():
        raise DomainError(
            _("An expression that applies needs its causes and remedy."), code="no_remedy"
        )
    if not follow_up_by.strip():
        raise DomainError(_("Say who follows the remedy up."), code="no_follow_up")
    with transaction.atomic():
        if Finding.objects.filter(entry=entry, item=item).exists():
            raise Conflict(
                _("This expression is already recorded for %(name)s.") % {"name": entry.name},
                code="finding_exists",
            )
        finding = Finding.objects.create(
            entry=entry,
            item=item,
            remedy=remedy.strip(),
            follow_up_by=follow_up_by.strip(),
            due_on=due_on,
        )
        if entry.none_apply:
            entry.none_apply = False
            entry.save(update_fields=["none_apply"])
        record_event(
            actor=actor,
            action="selfcheck.finding_recorded",
            obj=finding,
            unit=session.unit,
            data={"entry": entry.pk, "item": item.key, "due_on": due_on.isoformat()},
        )
    return finding


def mark_none_apply(*, actor: User | None, entry: Entry) -> Entry:
    """Record that no expression of the checklist applies to *entry*."""
    authorize(actor, "selfcheck.record", entry.session)
    with transaction.atomic():
        if entry.findings.exists():
            raise Conflict(
                _("Expressions are already recorded for %(name)s.") % {"name": entry.name},
                code="has_findings",
            )
        entry.none_apply = True
        entry.save(update_fields=["none_apply"])
        record_event(
            actor=actor,
            action="selfcheck.none_apply",
            obj=entry,
            unit=entry.session.unit,
        )
    return entry


def update_follow_up(
    *,
    actor: User | None,
    finding: Finding,
    status: str,
    note: str = "",
    done_on: dt.date | None = None,
) -> Finding:
    """Record how a remedy is followed up: not started, in progress or done (with a date)."""
    session = finding.entry.session
    authorize(actor, "selfcheck.follow_up", session)
    if status not in FindingStatus.values:
        raise DomainError(_("Unknown follow-up status."), code="bad_status")
    with transaction.atomic():
        before = finding.status
        finding.status = status
        finding.status_note = note.strip()
        finding.done_on = (
            (done_on or timezone.localdate()) if status == FindingStatus.DONE else None
        )
        finding.save()
        record_event(
            actor=actor,
            action="selfcheck.follow_up_updated",
            obj=finding,
            unit=session.unit,
            data={"before": before, "status": status},
        )
    return finding
