"""Permission matrix rows of the sign-in pages (see ``phieukin/testing/matrix.py``)."""

from phieukin.testing.matrix import EVERYONE, LOGIN, Row, rows

ROWS = [
    *rows("accounts:login", EVERYONE),
    # Signing out is a POST that ends on the sign-in page, whoever sends it.
    Row("accounts:logout", "GET", frozenset(), refused=405, anonymous=405),
    Row("accounts:logout", "POST", frozenset(), refused=LOGIN, anonymous=LOGIN),
]
