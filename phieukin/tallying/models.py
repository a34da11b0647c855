"""Stored tallies: what a sealed box or a round showed, with the ballots it came from."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TallySnapshot(models.Model):
    """The tally of one sealed box (``box`` set) or of a whole round (``box`` empty).

    ``source`` is a SHA-256 over what the tally was computed from — the round's rules and
    questionnaire and, for every sealed box it covers, the box id and its seal digest — so
    a snapshot is used only while it still describes the sealed ballots; ``data`` is the
    engine's result with disclosure control already applied (see ``tallying/codec.py``).
    """

    round = models.ForeignKey(
        "rounds.Round", verbose_name=_("round"), on_delete=models.CASCADE, related_name="+"
    )
    box = models.ForeignKey(
        "rounds.BallotBox",
        verbose_name=_("ballot box"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    source = models.CharField(_("source digest"), max_length=64)
    data = models.JSONField(_("tally"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tally snapshot")
        verbose_name_plural = _("tally snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["box", "source"],
                condition=models.Q(box__isnull=False),
                name="tally_snapshot_box_unique",
            ),
            models.UniqueConstraint(
                fields=["round", "source"],
                condition=models.Q(box__isnull=True),
                name="tally_snapshot_round_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.box_id or '*'} {self.source[:12]}"
