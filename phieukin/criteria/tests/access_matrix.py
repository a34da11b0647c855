"""Permission matrix rows of the professional criteria pages (accounts/rules/criteria.py).

The sets are not confidential: whoever has a part in the criteria (an official linked to
a person, the organisers, the Standing Committee) reads them; only the district organiser
imports one. A commitment (the ``leader`` persona's, first ward) is read by the official,
the ward's organisers and the Standing Committee, and anyone else does not find it; the
official fills in the quarter, the organiser or Standing Committee above reviews it once
submitted. Reminders are the organisers'.
"""

from phieukin.testing.matrix import rows

READERS = frozenset({"district_organiser", "ward_organiser", "outsider", "leader", "standing"})
ORGANISERS_ANYWHERE = frozenset({"district_organiser", "ward_organiser", "outsider"})
COMMITMENT_READERS = frozenset({"leader", "district_organiser", "ward_organiser", "standing"})

ROWS = [
    *rows("criteria:index", READERS),
    *rows("criteria:sets", READERS),
    *rows("criteria:set_upload", {"district_organiser"}),
    *rows("criteria:set_detail", READERS, target="criteria_set"),
    *rows("criteria:set_download", READERS, target="criteria_set"),
    *rows("criteria:commitment_new", ORGANISERS_ANYWHERE),
    *rows("criteria:commitment", COMMITMENT_READERS, target="commitment", refused=404),
    *rows(
        "criteria:assessment",
        COMMITMENT_READERS,
        target="commitment",
        refused=404,
        methods=("GET",),
    ),
    # Only the official writes a quarter not yet submitted; a reviewer's turn comes after.
    *rows("criteria:assessment", {"leader"}, target="commitment", refused=404, methods=("POST",)),
    *rows("criteria:reminders", ORGANISERS_ANYWHERE),
]
