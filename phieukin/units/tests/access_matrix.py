"""Permission matrix rows of the unit and leader pages (rules in accounts/rules/units.py)."""

from phieukin.testing.matrix import BACK_OFFICE, rows

READERS = BACK_OFFICE | {"outsider"}

ROWS = [
    *rows("units:list", READERS),
    *rows("units:leaders", READERS, methods=("GET",)),
    # Appointing: the district organiser (the form lists only positions it may fill).
    *rows("units:leaders", {"district_organiser"}, methods=("POST",)),
    # Loading a list of units: a superuser or the organiser of a top unit (unit.import).
    # The world's district organiser organises a district, not the top unit.
    *rows("units:import", {"superuser"}),
]
