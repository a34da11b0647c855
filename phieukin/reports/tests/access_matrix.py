"""Permission matrix rows of the report pages (accounts/rules/reports.py).

Anything a user may not open answers 404, so a report's existence is not revealed.
"""

from phieukin.testing.matrix import LOGIN, SIGNED_IN, rows

READERS = {"district_organiser", "standing", "leader"}

ROWS = [
    # The index lists only what the user may open; everyone signed in may ask.
    *rows("reports:index", SIGNED_IN),
    # A published round's page: also each ward's office, for its own ward's results (the
    # outsider is the second ward's office, a ward of this round too).
    *rows(
        "reports:round",
        READERS | {"ward_organiser", "outsider"},
        target="published_round",
        refused=404,
    ),
    # The first ward's pooled results: the summary's readers and that ward's own office.
    *rows(
        "reports:ward",
        {"district_organiser", "standing", "ward_organiser"},
        target="ward_results",
        refused=404,
    ),
    *rows(
        "reports:summary_download",
        {"district_organiser", "standing"},
        target="published_round",
        refused=404,
    ),
    # The round's results on the map: those who open the round's summary.
    *rows("reports:map", {"district_organiser", "standing"}, target="published_round", refused=404),
    *rows("reports:access_log", {"district_organiser"}, target="published_round", refused=404),
    # Queue the round's whole report set (a job): those who read every report.
    *rows(
        "reports:render_set",
        {"district_organiser", "standing"},
        target="published_round",
        refused=404,
        methods=("POST",),
        not_served=("GET",),
        not_served_anonymous=LOGIN,
    ),
    # The first ward's Party Secretary's own report: the leader themself may open it.
    *rows("reports:leader", READERS, target="own_report", refused=404),
    *rows("reports:leader_download", READERS, target="own_report", refused=404),
]
