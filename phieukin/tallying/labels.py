"""Translated names of the engine's codes (suppression reasons, flag rules, warnings).

The engine is pure and emits stable codes; screens, reports and commands show these.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from phieukin.tallying import tally as engine

REASONS: dict[str, Promise] = {
    engine.BELOW_K: _("fewer ballots than the reporting threshold"),
    engine.COMPLEMENTARY: _("hidden so that a small group cannot be computed from the totals"),
    engine.CUMULATIVE: _("withheld: it grew by too few ballots since it was last published"),
    engine.INCOMPLETE: _("withheld until every ballot box of the round is sealed"),
}

FLAGS: dict[str, Promise] = {
    engine.FLAG_LOW_SHARE: _("share of low ratings at or above the round's threshold"),
    engine.FLAG_MEAN_BELOW: _("mean score below the round's threshold"),
    engine.FLAG_ANALOGY_HALF: _("more than half low ratings (by analogy with QĐ 96)"),
    engine.FLAG_ANALOGY_TWO_THIRDS: _("at least two thirds low ratings (by analogy with QĐ 96)"),
}

WARNINGS: dict[str, Promise] = {
    engine.WARN_UNANIMOUS: _(
        "A small group answered some items unanimously: those items are shown in bands only."
    ),
    engine.WARN_BANDED_FOR_OTHERS: _(
        "Some items are shown in bands only, so that a small group's answers cannot be "
        "computed from the totals."
    ),
}


def reason_label(code: str | None) -> str:
    """Return the translated reason a cell is suppressed (empty when shown)."""
    return str(REASONS.get(code, code)) if code else ""


def flag_label(rule: str) -> str:
    """Return the translated name of a flag rule."""
    return str(FLAGS.get(rule, rule))
