"""Permission matrix rows of the Directive 24 self-check (accounts/rules/selfcheck.py).

The back office reads the checklist versions; the district organiser imports one. A
session (the world's is the first ward's) is read by the organisers of the ward and the
Standing Committee and recorded by the organisers only: the Standing Committee reads but
never changes (403). Anyone else does not find the session (404). The list of sessions
is scoped, so every signed-in user may open it.
"""

from typing import Any

from phieukin.selfcheck.models import ChecklistItem, Entry
from phieukin.testing.matrix import BACK_OFFICE, SIGNED_IN, Row, rows

READERS = frozenset({"district_organiser", "ward_organiser", "standing"})
RECORDERS = frozenset({"district_organiser", "ward_organiser"})
ORGANISERS_ANYWHERE = frozenset({"district_organiser", "ward_organiser", "outsider"})


def _entry() -> str:
    entry = Entry.objects.order_by("pk").first()
    return str(entry.pk) if entry else ""


def _item() -> str:
    item = ChecklistItem.objects.order_by("order", "pk").last()
    return str(item.pk) if item else ""


def _get_only(route: str, allowed: frozenset[str], target: str = "") -> list[Row]:
    return rows(
        route,
        allowed,
        target=target,
        methods=("GET",),
        refused=404,
        not_served=("POST",),
        not_served_anonymous=405,
    )


def _record(route: str, data: dict[str, Any]) -> list[Row]:
    """A recording POST: the readers who may not record get 403, the others 404."""
    return rows(
        route,
        RECORDERS,
        target="selfcheck",
        methods=("POST",),
        refused=404,
        refused_as={"standing": 403},
        not_served=("GET",),
        not_served_anonymous="login",
        data=data,
    )


ROWS = [
    *rows("selfcheck:index", SIGNED_IN, methods=("GET",), not_served=("POST",)),
    *rows("selfcheck:checklists", BACK_OFFICE | {"outsider"}, methods=("GET",)),
    *rows("selfcheck:checklists", {"district_organiser"}, methods=("POST",)),
    *rows(
        "selfcheck:checklist",
        BACK_OFFICE | {"outsider"},
        target="checklist",
        methods=("GET",),
        not_served=("POST",),
    ),
    *rows("selfcheck:create", ORGANISERS_ANYWHERE),
    *_get_only("selfcheck:session", READERS, "selfcheck"),
    *_record(
        "selfcheck:update",
        {"participants": "52", "speakers": "14", "speaker_names": "", "conclusion": "Kết luận"},
    ),
    *_record("selfcheck:add_individual", {"name": "Nguyễn Văn Bình", "role_title": "Phó Bí thư"}),
    *_record(
        "selfcheck:add_finding",
        {
            "entry": _entry,
            "item": _item,
            "remedy": "Chấn chỉnh",
            "follow_up_by": "Văn phòng",
            "due_on": "31/12/2030",
        },
    ),
    *_record("selfcheck:none_apply", {}),
    *_record("selfcheck:follow_up", {"status": "done", "note": "Đã xong", "done_on": ""}),
    *_get_only("selfcheck:report", READERS, "selfcheck"),
]
