"""Permission matrix rows of the recognition registry (accounts/rules/recognition.py).

The registry is the back office's (organisers, counters, Standing Committee, in their
units); the organisers record entries; only the district organiser (the office) decides
what the public site shows, and the district organiser and the Standing Committee issue
the counts report. The world's entries are in the first ward; the report is the district's.
"""

from phieukin.testing.matrix import BACK_OFFICE, Row, rows

READERS = BACK_OFFICE | {"outsider"}
RECORDERS = frozenset({"district_organiser", "ward_organiser", "outsider"})

ROWS = [
    *rows("recognition:index", READERS),
    *rows("recognition:honourees", READERS),
    *rows("recognition:honouree_new", RECORDERS),
    *rows("recognition:models", READERS),
    *rows("recognition:model_new", RECORDERS),
    # Publishing an entry: those who read it but may not publish get 403, the rest 404.
    Row(
        "recognition:toggle_public",
        "POST",
        frozenset({"district_organiser"}),
        target="recognition_entry",
        refused=404,
        refused_as={"ward_organiser": 403, "counter": 403, "standing": 403},
        data={"public": "1"},
    ),
    Row(
        "recognition:toggle_public",
        "GET",
        frozenset(),
        target="recognition_entry",
        refused=405,
        anonymous=405,
    ),
    *rows(
        "recognition:report",
        {"district_organiser", "standing"},
        target="recognition_unit",
        refused=404,
    ),
    *rows(
        "recognition:report_download",
        {"district_organiser", "standing"},
        target="recognition_unit",
        refused=404,
    ),
]
