"""The pure scoring: a quarter's result and level, the quarters of a year."""

import datetime as dt

from phieukin.criteria.scoring import Level, last_ended_quarter, quarter_end, result

LEVELS = [
    Level("xs", "Xuất sắc", 90),
    Level("tot", "Tốt", 75),
    Level("ht", "Hoàn thành", 50),
    Level("k", "Không", 0),
]


def test_the_share_of_points_picks_the_best_level_it_reaches() -> None:
    assert result([(9, 10), (9, 10)], LEVELS).level_key == "xs"
    assert result([(7, 10), (8, 10)], LEVELS).level_key == "tot"
    outcome = result([(2, 10), (3, 10)], LEVELS)
    assert (outcome.points, outcome.maximum, outcome.percent, outcome.level_key) == (
        5,
        20,
        25.0,
        "k",
    )


def test_quarters_end_on_their_last_day() -> None:
    assert quarter_end(2026, 1) == dt.date(2026, 3, 31)
    assert quarter_end(2026, 4) == dt.date(2026, 12, 31)
    assert last_ended_quarter(dt.date(2026, 12, 1)) == (2026, 3)
    assert last_ended_quarter(dt.date(2027, 2, 1)) == (2026, 4)
