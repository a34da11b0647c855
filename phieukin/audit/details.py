"""The details of an audit event as a person reads them: Vietnamese labels, not JSON keys.

The stored ``data`` of an event keeps its stable keys (they are hashed into the chain);
the audit page shows each as "label: value" with the labels here, yes/no as "có"/"không",
numbers with a thousands dot and a decimal comma, lists joined and nested objects
indented. A key this table does not know is shown as "Chi tiết khác", never raw.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy


def _int(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _decimal(value: Decimal | float, digits: int) -> str:
    text = f"{value:,.{digits}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


LABELS: dict[str, Promise] = {
    "after_opening": pgettext_lazy("audit detail", "After the box opened"),
    "attempts": pgettext_lazy("audit detail", "Attempts"),
    "ballots_invalid": pgettext_lazy("audit detail", "Invalid sheets"),
    "ballots_online": pgettext_lazy("audit detail", "Online sheets"),
    "ballots_scanned": pgettext_lazy("audit detail", "Scanned paper sheets"),
    "ballots_total": pgettext_lazy("audit detail", "Sheets in all"),
    "ballots_typed": pgettext_lazy("audit detail", "Typed paper sheets"),
    "ballots_valid": pgettext_lazy("audit detail", "Valid sheets"),
    "before": pgettext_lazy("audit detail", "Before"),
    "boxes": pgettext_lazy("audit detail", "Ballot boxes"),
    "chair": pgettext_lazy("audit detail", "Chair"),
    "changed": pgettext_lazy("audit detail", "Changed"),
    "cleared": pgettext_lazy("audit detail", "Cleared"),
    "code": pgettext_lazy("audit detail", "Code"),
    "codes_issued": pgettext_lazy("audit detail", "Codes issued (people)"),
    "codes_unused": pgettext_lazy("audit detail", "Codes unused"),
    "codes_used": pgettext_lazy("audit detail", "Codes used (people)"),
    "codes_voided": pgettext_lazy("audit detail", "Codes voided"),
    "comment": pgettext_lazy("audit detail", "Comment"),
    "commitments": pgettext_lazy("audit detail", "Commitments"),
    "committee": pgettext_lazy("audit detail", "Counting committee"),
    "confirmed_by": pgettext_lazy("audit detail", "Confirmed by"),
    "copies": pgettext_lazy("audit detail", "Copies"),
    "count": pgettext_lazy("audit detail", "Number"),
    "counts": pgettext_lazy("audit detail", "Figures"),
    "created": pgettext_lazy("audit detail", "Created"),
    "criteria": pgettext_lazy("audit detail", "Criteria"),
    "date": pgettext_lazy("audit detail", "Date"),
    "deactivated": pgettext_lazy("audit detail", "Account deactivated"),
    "decision": pgettext_lazy("audit detail", "Decision"),
    "digest": pgettext_lazy("audit detail", "Seal digest"),
    "drafts": pgettext_lazy("audit detail", "Draft items"),
    "due_on": pgettext_lazy("audit detail", "Due on"),
    "effective": pgettext_lazy("audit detail", "In force from"),
    "enabled": pgettext_lazy("audit detail", "Enabled"),
    "ended": pgettext_lazy("audit detail", "Units ended"),
    "entry": pgettext_lazy("audit detail", "Entry"),
    "evidence": pgettext_lazy("audit detail", "Evidence"),
    "expires_at": pgettext_lazy("audit detail", "Expires on"),
    "field": pgettext_lazy("audit detail", "Field"),
    "fields": pgettext_lazy("audit detail", "Fields"),
    "file": pgettext_lazy("audit detail", "File"),
    "files": pgettext_lazy("audit detail", "Files"),
    "flag_low_share": pgettext_lazy("audit detail", "Flag when the share of low answers reaches"),
    "flag_mean_below": pgettext_lazy("audit detail", "Flag when the mean is below"),
    "format": pgettext_lazy("audit detail", "Format"),
    "from": pgettext_lazy("audit detail", "From"),
    "full_name": pgettext_lazy("audit detail", "Full name"),
    "general": pgettext_lazy("audit detail", "General points"),
    "grade": pgettext_lazy("audit detail", "Grade"),
    "gradings": pgettext_lazy("audit detail", "Gradings"),
    "group": pgettext_lazy("audit detail", "Group"),
    "invited": pgettext_lazy("audit detail", "Invited (people)"),
    "issued": pgettext_lazy("audit detail", "Issued"),
    "issuer": pgettext_lazy("audit detail", "Issued by"),
    "item": pgettext_lazy("audit detail", "Item"),
    "items": pgettext_lazy("audit detail", "Items"),
    "k": pgettext_lazy("audit detail", "Minimum ballots for any figure (k)"),
    "k_comments": pgettext_lazy("audit detail", "Minimum ballots before comments are shown"),
    "k_threshold": pgettext_lazy("audit detail", "Minimum ballots for any figure (k)"),
    "key": pgettext_lazy("audit detail", "Key"),
    "level": pgettext_lazy("audit detail", "Level"),
    "measures": pgettext_lazy("audit detail", "Measures"),
    "members": pgettext_lazy("audit detail", "Members"),
    "mismatch_acknowledged": pgettext_lazy("audit detail", "Mismatch acknowledged"),
    "moved": pgettext_lazy("audit detail", "Units moved"),
    "number": pgettext_lazy("audit detail", "Number"),
    "pages": pgettext_lazy("audit detail", "Pages"),
    "paper_issued": pgettext_lazy("audit detail", "Paper ballots handed out (people)"),
    "paper_returned": pgettext_lazy("audit detail", "Paper ballots returned (people)"),
    "participants": pgettext_lazy("audit detail", "Participants"),
    "parts": pgettext_lazy("audit detail", "Parts"),
    "per_subject": pgettext_lazy("audit detail", "Sheets per leader"),
    "percent": pgettext_lazy("audit detail", "Percent"),
    "period": pgettext_lazy("audit detail", "Period"),
    "person": pgettext_lazy("audit detail", "Person"),
    "place": pgettext_lazy("audit detail", "Venue"),
    "plan": pgettext_lazy("audit detail", "Plan"),
    "points": pgettext_lazy("audit detail", "Points"),
    "present": pgettext_lazy("audit detail", "Present (people)"),
    "previous": pgettext_lazy("audit detail", "Previous"),
    "proposal": pgettext_lazy("audit detail", "Proposal"),
    "proposed_by": pgettext_lazy("audit detail", "Proposed by"),
    "public": pgettext_lazy("audit detail", "Public"),
    "quarter": pgettext_lazy("audit detail", "Quarter"),
    "queued": pgettext_lazy("audit detail", "Queued"),
    "reason": pgettext_lazy("audit detail", "Reason"),
    "receipts": pgettext_lazy("audit detail", "Receipts"),
    "recovery": pgettext_lazy("audit detail", "Recovery share"),
    "regulation": pgettext_lazy("audit detail", "Regulation"),
    "replaced_sha256": pgettext_lazy("audit detail", "SHA-256 of the replaced file"),
    "replaces": pgettext_lazy("audit detail", "Replaces"),
    "returned": pgettext_lazy("audit detail", "Returned"),
    "scans": pgettext_lazy("audit detail", "Scans"),
    "secretary": pgettext_lazy("audit detail", "Secretary"),
    "session": pgettext_lazy("audit detail", "Session"),
    "set": pgettext_lazy("audit detail", "Criteria set"),
    "sha256": pgettext_lazy("audit detail", "SHA-256"),
    "sheet": pgettext_lazy("audit detail", "Sheet number"),
    "speakers": pgettext_lazy("audit detail", "Speakers"),
    "start": pgettext_lazy("audit detail", "Start"),
    "starts_at": pgettext_lazy("audit detail", "Starting time"),
    "state": pgettext_lazy("audit detail", "State"),
    "status": pgettext_lazy("audit detail", "Status"),
    "subject": pgettext_lazy("audit detail", "Leader"),
    "successions": pgettext_lazy("audit detail", "Successions"),
    "target_participation": pgettext_lazy("audit detail", "Participation target"),
    "tasks": pgettext_lazy("audit detail", "Task points"),
    "threshold": pgettext_lazy("audit detail", "Shares needed"),
    "title": pgettext_lazy("audit detail", "Title"),
    "to": pgettext_lazy("audit detail", "To"),
    "total": pgettext_lazy("audit detail", "Total"),
    "updated": pgettext_lazy("audit detail", "Updated"),
    "user": pgettext_lazy("audit detail", "User"),
    "username": pgettext_lazy("audit detail", "Sign-in name"),
    "version": pgettext_lazy("audit detail", "Version"),
    "ward": pgettext_lazy("audit detail", "Ward"),
    "wards": pgettext_lazy("audit detail", "Wards"),
    "year": pgettext_lazy("audit detail", "Year"),
}
# Fields whose change is recorded as [before, after].
EDITABLE = frozenset(
    {
        "title",
        "year",
        "number",
        "k_threshold",
        "k_comments",
        "flag_low_share",
        "flag_mean_below",
        "target_participation",
    }
)
OTHER = pgettext_lazy("audit detail", "Other detail")
YES = pgettext_lazy("audit detail", "yes")
NO = pgettext_lazy("audit detail", "no")


@dataclass(frozen=True)
class Detail:
    """One line of an event's details: a Vietnamese label, its value, and lines under it."""

    label: str
    value: str
    children: tuple[Detail, ...] = ()


def label_of(key: str) -> str:
    """Return the Vietnamese label of a detail key (never the key itself)."""
    if key.isdigit():
        return f"#{key}"  # an object's id (e.g. sheets per leader)
    known = LABELS.get(key)
    return str(known if known is not None else OTHER)


def value_text(value: Any, *, key: str = "") -> str:
    """Return a detail's value as text: có/không, Vietnamese numbers, lists joined."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(YES if value else NO)
    if isinstance(value, int):
        return _int(value)
    if isinstance(value, float):
        return _decimal(value, 2)
    if isinstance(value, list | tuple):
        if key in ("changed", "fields"):  # names of fields
            return ", ".join(label_of(str(v)) for v in value) or "—"
        if key in EDITABLE and len(value) == 2 and _scalar(value):
            # A change recorded as [before, after] (round.edit).
            return f"{value_text(value[0])} → {value_text(value[1])}"
        return ", ".join(value_text(v) for v in value) or "—"
    text = str(value)
    if key in ("field",):
        return label_of(text)
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return text
    if number.is_finite() and "." in text and len(text) < 20:
        return _decimal(number, max(0, -int(number.as_tuple().exponent)))
    return text


def _scalar(values: Any) -> bool:
    return all(not isinstance(v, dict | list | tuple) for v in values)


def event_details(data: Any) -> list[Detail]:
    """Return the details of an event's ``data`` as labelled lines (nested objects indented)."""
    if not isinstance(data, dict):
        return [] if data in (None, "", [], {}) else [Detail(str(OTHER), value_text(data))]
    lines: list[Detail] = []
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(Detail(label_of(str(key)), "", tuple(event_details(value))))
        else:
            lines.append(Detail(label_of(str(key)), value_text(value, key=str(key))))
    return lines
