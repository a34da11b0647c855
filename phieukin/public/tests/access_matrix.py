"""Permission matrix rows of the anonymous pages: open to everyone, signed in or not."""

from phieukin.testing.matrix import EVERYONE, rows

ROWS = [
    *rows("public:vote", EVERYONE, target="box"),
    *rows("public:vote_code", EVERYONE, target="box"),
    *rows("public:receipt", EVERYONE),
    *rows("public:bulletin", EVERYONE, target="sealed_box"),
]
