"""Permission matrix rows of the questionnaire pages (accounts/rules/questionnaires.py)."""

from phieukin.testing.matrix import BACK_OFFICE, rows

READERS = BACK_OFFICE | {"outsider"}

ROWS = [
    *rows("questionnaires:list", READERS),
    *rows("questionnaires:detail", READERS, target="questionnaire"),
    *rows("questionnaires:download", READERS, target="questionnaire"),
    *rows("questionnaires:upload", {"district_organiser"}),
    *rows(
        "questionnaires:new_version",
        {"district_organiser"},
        target="questionnaire",
        methods=("POST",),
        not_served=("GET",),
    ),
]
