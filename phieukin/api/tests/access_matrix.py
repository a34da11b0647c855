"""Permission matrix rows of the HTTP API.

Public operations answer everyone the same. Admin operations take a bearer token only
(a signed-in session gets 401); a token of a user who may not act gets 403, from the
same services the web pages call. The outsider's token is refused at the scoped box
lookup (403).
"""

from phieukin.testing.matrix import EVERYONE, WARD_STAFF, Row

READERS = WARD_STAFF | {"standing"}
ORGANISERS = frozenset({"district_organiser", "ward_organiser"})


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
    _admin("api:create_codes", "POST", ORGANISERS, count=1),
    _admin("api:void_codes", "POST", ORGANISERS, codes=[]),
    _admin("api:open_box", "POST", ORGANISERS),
    _admin("api:close_box", "POST", WARD_STAFF),
    _admin("api:seal_box", "POST", WARD_STAFF),
    _admin("api:paper_counts", "POST", WARD_STAFF, issued=1, returned=1),
    # The same service as the conference page: the box is open, so the committee only.
    _admin("api:attendance", "POST", frozenset({"counter"}), invited=10, present=5),
]
