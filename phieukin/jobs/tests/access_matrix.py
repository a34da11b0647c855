"""Permission matrix rows of the background-work pages (accounts/rules/jobs.py).

A job is followed by whoever started it (the district organiser in the test world) and
by the administrator; to anyone else it does not exist (404).
"""

from phieukin.testing.matrix import LOGIN, SIGNED_IN, rows

OWNERS = {"district_organiser", "superuser"}

ROWS = [
    *rows("jobs:index", SIGNED_IN),
    *rows("jobs:detail", OWNERS, target="job", refused=404),
    # The test world's job has no file yet: its owners get 404 too.
    *rows("jobs:download", OWNERS, target="job", refused=404, absent_ok=True),
    *rows(
        "jobs:retry",
        OWNERS,
        target="job",
        refused=404,
        methods=("POST",),
        not_served=("GET",),
        not_served_anonymous=LOGIN,
    ),
]
