"""Permission matrix rows of the counting committee's box pages.

The rules are the ballot services' own; the pages look boxes up through the scoped
``boxes_for`` (the outsider of another ward gets 404) and answer a service's refusal
with 403, as the admin API does.
"""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from phieukin.testing.matrix import BACK_OFFICE, WARD_STAFF, Row, rows

BOX_READERS = WARD_STAFF | {"standing"}
HIDDEN = {"outsider": 404}
ORGANISERS = {"district_organiser", "ward_organiser"}


def _post(
    route: str,
    allowed: set[str] | frozenset[str],
    *,
    target: str = "box",
    data: dict[str, Any] | None = None,
) -> list[Row]:
    return rows(
        route,
        allowed,
        target=target,
        methods=("POST",),
        not_served=("GET",),
        refused_as=HIDDEN,
        data=data or {},
    )


ROWS = [
    *rows("ballots:list", BACK_OFFICE | {"outsider"}),
    *rows("ballots:detail", BOX_READERS, target="box", refused_as=HIDDEN),
    *rows("ballots:live", BOX_READERS, target="box", refused_as=HIDDEN),
    *rows("ballots:zero_report", BOX_READERS, target="box", refused_as=HIDDEN),
    *rows("ballots:minutes", BOX_READERS, target="sealed_box", refused_as=HIDDEN),
    *rows("ballots:minutes_docx", BOX_READERS, target="sealed_box", refused_as=HIDDEN),
    # Organisers and the counting committee open a box (this one is open already), as the API.
    *_post("ballots:open", WARD_STAFF),
    *_post("ballots:close", WARD_STAFF),
    *_post("ballots:reopen", WARD_STAFF),
    # New and voided codes of an open box: the counting committee only (four eyes), as the API.
    *_post("ballots:codes", {"counter"}, data={"count": "1"}),
    *_post("ballots:void", {"counter"}, data={"codes": ""}),
    # Attendance of the open box: the counting committee only (four eyes), as the API.
    *_post("ballots:attendance", {"counter"}, data={"invited": "10", "present": "5"}),
    # Directly only before opening: the open box answers the counter 409 (propose instead).
    # Four eyes: anyone of the ward's committee proposes; another confirms, one of the two
    # a counter (the world's proposal is the ward organiser's, so the district organiser
    # may not confirm it; the ward organiser's own confirmation is a 409, not a refusal).
    *_post("ballots:attendance_propose", WARD_STAFF, data={"invited": "10", "present": "6"}),
    *_post(
        "ballots:attendance_confirm", {"counter", "ward_organiser"}, target="attendance_proposal"
    ),
    *_post("ballots:paper", WARD_STAFF, data={"issued": "1", "returned": "1"}),
    *_post("ballots:seal", WARD_STAFF),
    *_post(
        "ballots:signed",
        WARD_STAFF,
        target="sealed_box",
        # A fresh file per request (an upload is read once).
        data={"signed": lambda: SimpleUploadedFile("bb.pdf", b"%PDF-1.4\n", "application/pdf")},
    ),
    # Verification only reads: whoever reads the box may recompute it.
    *_post("ballots:verify", BOX_READERS, target="sealed_box"),
]
