"""Permission matrix rows of the anonymous pages: open to everyone, signed in or not."""

from phieukin.testing.matrix import EVERYONE, rows

ROWS = [
    *rows("public:vote", EVERYONE, target="box"),
    *rows("public:vote_code", EVERYONE, target="box"),
    *rows("public:receipt", EVERYONE),
    *rows("public:bulletin", EVERYONE, target="sealed_box"),
    # Posted self-cultivation plans of a ward and their feedback form (no plan is posted in
    # the world: the form finds nothing, for everyone alike).
    *rows("public:posted_plans", EVERYONE, target="public_unit"),
    *rows("public:plan_feedback", EVERYONE, target="public_unit", absent_ok=True),
    *rows("public_recognition:unit", EVERYONE, target="public_unit"),
]
