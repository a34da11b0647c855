"""Permission matrix rows of the leaders' records (accounts/rules/records.py).

The person themself and the organisers and Standing Committee above their units open a
record (each part then follows its own rule); anyone else does not find it (404). The
world's record is the ``leader`` persona's (first ward). The list of records shows whom
the user may look up: the leader is sent to their own record, a user who may open none
finds nothing.
"""

from phieukin.testing.matrix import Row, rows

READERS = frozenset({"leader", "district_organiser", "ward_organiser", "standing"})


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


ROWS = [
    *_get_only("records:index", READERS | {"outsider"}),
    *_get_only("records:detail", READERS, "record"),
    *_get_only("records:export", READERS, "record"),
]
