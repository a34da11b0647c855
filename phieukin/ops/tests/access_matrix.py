"""Permission matrix rows of the operations endpoints: the health check is public."""

from phieukin.testing.matrix import EVERYONE, rows

ROWS = [*rows("ops:health", EVERYONE, methods=("GET",), not_served=("POST",))]
