"""Write and verify the audit chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from phieukin.audit.models import GENESIS, AuditEvent, AuditHead

if TYPE_CHECKING:
    from phieukin.accounts.models import User
    from phieukin.units.models import Unit


def _canonical(event: AuditEvent) -> bytes:
    body = {
        "created_at": event.created_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_label": event.object_label,
        "unit_id": event.unit_id,
        "data": event.data,
        "prev_digest": event.prev_digest,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_digest(event: AuditEvent) -> str:
    """Return the SHA-256 digest that chains *event* to its predecessor."""
    return hashlib.sha256(_canonical(event)).hexdigest()


def record_event(
    *,
    actor: User | None,
    action: str,
    obj: Model | None = None,
    unit: Unit | None = None,
    data: dict[str, Any] | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Append one event to the chain; call it inside the service's own transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must run inside the service's transaction")
    head, _created = AuditHead.objects.select_for_update().get_or_create(id=1)
    event = AuditEvent(
        created_at=timezone.now().replace(microsecond=0),
        actor=actor if actor is not None and actor.pk else None,
        actor_label=actor_label or (str(actor) if actor is not None else "system"),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=str(obj)[:255] if obj is not None else "",
        unit=unit,
        data=json.loads(json.dumps(data or {}, default=str)),
        prev_digest=head.digest,
    )
    event.digest = compute_digest(event)
    event.save()
    head.digest = event.digest
    head.count += 1
    head.save(update_fields=["digest", "count"])
    return event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    problem: str = ""
    event_id: int | None = None


def verify_chain() -> ChainReport:
    """Recompute every digest in order and compare with the stored chain and head."""
    prev = GENESIS
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_digest != prev:
            return ChainReport(False, checked, "broken link", event.id)
        if compute_digest(event) != event.digest:
            return ChainReport(False, checked, "altered event", event.id)
        prev = event.digest
        checked += 1
    head = AuditHead.objects.filter(id=1).first()
    head_digest = head.digest if head else GENESIS
    head_count = head.count if head else 0
    if head_digest != prev or head_count != checked:
        return ChainReport(False, checked, "events removed from the end", None)
    return ChainReport(True, checked)
