"""Permission matrix rows of the HTTP API.

Public operations answer everyone the same. Admin operations take a bearer token only
(a signed-in session gets 401); a token of a user who may not act gets 403, from the
same services the web pages call. The outsider's token is refused at the scoped box
lookup (403).
"""

from phieukin.testing.matrix import BACK_OFFICE, EVERYONE, SIGNED_IN, WARD_STAFF, Row

READERS = WARD_STAFF | {"standing"}


def _public(route: str, method: str = "GET", target: str = "sealed_box", **data: object) -> Row:
    return Row(route, method, EVERYONE, target=target, data=dict(data))


def _admin(route: str, method: str, allowed: frozenset[str], **data: object) -> Row:
    return Row(route, method, allowed, target="box", data=dict(data))


ROWS = [
    _public("api:box_definition", target="box"),
    _public("api:bulletin"),
    _public("api:ballots_csv"),
    _public("api:tally"),
    _public("api:cast", "POST", target="", code="ABCD-EFGH-JKLM", sheets=[]),
    _public("api:openapi-json", target=""),
    _public("api:openapi-view", target=""),
    Row("api:api-root", "GET", frozenset(), refused=404, anonymous=404),
    _admin("api:box_status", "GET", READERS),
    _admin("api:verify_box", "GET", READERS),
    # The counting minutes of a sealed box, as on the box page (PDF and DOCX).
    Row("api:minutes_pdf", "GET", READERS, target="sealed_box"),
    Row("api:minutes_docx", "GET", READERS, target="sealed_box"),
    # The world's box is open: codes are the counting committee's now (four eyes).
    _admin("api:create_codes", "POST", frozenset({"counter"}), count=1),
    _admin("api:void_codes", "POST", frozenset({"counter"}), codes=[]),
    # Organisers and the counting committee open a box (this one is open already: 409).
    _admin("api:open_box", "POST", WARD_STAFF),
    _admin("api:close_box", "POST", WARD_STAFF),
    _admin("api:seal_box", "POST", WARD_STAFF),
    _admin("api:paper_counts", "POST", WARD_STAFF, issued=1, returned=1),
    # The same service as the conference page: the box is open, so the committee only.
    _admin("api:attendance", "POST", frozenset({"counter"}), invited=10, present=5),
    # Four eyes on attendance of the open box: the world's proposal is the ward organiser's.
    _admin("api:attendance_proposals", "GET", READERS),
    _admin("api:propose_attendance", "POST", WARD_STAFF, invited=10, present=6),
    Row(
        "api:confirm_attendance",
        "POST",
        frozenset({"counter", "ward_organiser"}),
        target="attendance_proposal",
    ),
    # Follow-through: public pages answer everyone (no plan is posted in the world: 404).
    _public("api:unit_plans", target="followthrough"),
    Row(
        "api:plan_feedback",
        "POST",
        EVERYONE,
        target="followthrough",
        absent_ok=True,
        data={"body": "Góp ý", "name": "", "token": "x", "website": ""},
    ),
    _public("api:unit_recognitions", target="followthrough"),
    # The token's user reads only what their scope holds; the lists may be empty.
    Row("api:selfchecks", "GET", SIGNED_IN, target="followthrough"),
    Row("api:gradings", "GET", SIGNED_IN, target="followthrough"),
    # Edit or delete a draft round, drop a ward: the organiser (409 on the world's open
    # round); those who see the round get 403, the others 404.
    *[
        Row(
            route,
            "POST",
            frozenset({"district_organiser"}),
            target="followthrough",
            refused_as={"supervisor": 404, "superuser": 404},
            data=data,
        )
        for route, data in (
            ("api:edit_round", {}),
            ("api:delete_round", {}),
            ("api:remove_ward", {"reason": ""}),
        )
    ],
    # The scan reader's checks across a round: as on the page.
    Row(
        "api:reader_checks",
        "GET",
        BACK_OFFICE | {"outsider"},
        target="followthrough",
        refused=404,
        refused_as={"leader": 403},
    ),
    # The map of a date: the roles that see units (unit.view), over their own units.
    Row("api:units_on", "GET", BACK_OFFICE | {"outsider"}, target="followthrough"),
    # The round's remediation: the organiser and the Standing Committee of its district.
    Row(
        "api:remediation",
        "GET",
        frozenset({"district_organiser", "standing"}),
        target="followthrough",
        refused=404,
    ),
    Row(
        "api:person_record",
        "GET",
        frozenset({"district_organiser", "ward_organiser", "leader", "standing"}),
        target="followthrough",
        refused=404,
    ),
    # The plan of a round: read by those who see the round, recorded by its organiser.
    Row(
        "api:round_plan",
        "GET",
        frozenset({"district_organiser", "ward_organiser", "outsider", "counter", "leader"})
        | {"standing"},
        target="followthrough",
        refused=404,
    ),
    Row(
        "api:record_round_plan",
        "POST",
        frozenset({"district_organiser"}),
        target="followthrough",
        refused_as={"supervisor": 404, "superuser": 404},
        data={"number": "104-KH/QU", "date": "2026-02-11", "issuer": ""},
    ),
    # The conference details of the minutes: its organisers and counting committee.
    Row("api:conference_details", "GET", READERS | {"leader"}, target="box", refused=404),
    Row(
        "api:record_conference_details",
        "POST",
        WARD_STAFF,
        target="box",
        refused=404,
        refused_as={"standing": 403, "leader": 403},
        data={"place": "Hội trường", "starts_at": "08:00", "committee": ["Lê Văn Cường"]},
    ),
    # A ward's counting-committee accounts: its office and the organisers above it; the
    # others do not manage the ward, which is not there for them (404).
    Row(
        "api:committee_members",
        "GET",
        frozenset({"district_organiser", "ward_organiser"}),
        target="followthrough",
        refused=404,
    ),
    Row(
        "api:add_committee_member",
        "POST",
        frozenset({"district_organiser", "ward_organiser"}),
        target="followthrough",
        refused=404,
        data={"username": "m-kiemphieu-moi", "full_name": "Lê Thị Hoa"},
    ),
    # Removing acts on a member of the first ward; none has this id.
    Row(
        "api:remove_committee_member",
        "POST",
        frozenset(),
        target="committee_member_missing",
        refused=404,
        absent_ok=True,
    ),
]
