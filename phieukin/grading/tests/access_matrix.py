"""Permission matrix rows of the annual review and grading (accounts/rules/grading.py).

Three steps, three roles: the individual (or the unit's office) assesses itself, the
organiser proposes, the Standing Committee — the competent level — decides. Gradings are
read by those three and the person graded; anyone else does not find them (404). The
world's year is the district's; its grading is the ``leader`` persona's (first ward).
A step refused to a reader of the grading answers 403.
"""

from phieukin.testing.matrix import SIGNED_IN, Row, rows

GRADING_READERS = frozenset({"district_organiser", "ward_organiser", "standing", "leader"})
# The year's page lists the gradings the user reads: the outsider reads the second ward's.
YEAR_READERS = GRADING_READERS | {"outsider"}


def _get_only(route: str, allowed: frozenset[str], target: str) -> list[Row]:
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
    # The list of years is scoped (empty for those who read no grading); only the
    # district organiser opens a year.
    *rows("grading:index", SIGNED_IN, methods=("GET",)),
    *rows("grading:index", {"district_organiser"}, methods=("POST",)),
    *_get_only("grading:year", YEAR_READERS, "grading_year"),
    *_get_only("grading:grading", GRADING_READERS, "grading"),
    # Proposing is the organiser's step (the grading waits for its self-assessment: the
    # organiser gets a message, not a refusal).
    *rows(
        "grading:step",
        {"district_organiser"},
        target="grading",
        methods=("POST",),
        refused=404,
        refused_as={"ward_organiser": 403, "standing": 403, "leader": 403},
        not_served=("GET",),
        not_served_anonymous="login",
    ),
    *_get_only("grading:review_form", GRADING_READERS, "grading"),
]
