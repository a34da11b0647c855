"""Codes, ballots and seals: the secret-ballot core.

What is deliberately absent is part of the design (see docs/SECURITY.md): a ballot has
no timestamp, no sequence number, no link to the code that cast it, and a random id;
a code has no record of who received it or when it was used.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from phieukin.ballots import boxkeys
from phieukin.core.ids import random_id


class CodeState(models.TextChoices):
    UNUSED = "unused", _("Unused")
    USED = "used", _("Used")
    VOIDED = "voided", _("Voided")


class Code(models.Model):
    """A one-time voting code of an unsealed box, stored only as a keyed hash (HMAC with a
    server secret). Sealing moves the box's codes to :class:`SealedCode`."""

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    box = models.ForeignKey("rounds.BallotBox", on_delete=models.PROTECT, related_name="codes")
    digest = models.CharField(max_length=64, editable=False)
    group = models.ForeignKey(
        "rounds.RespondentGroup",
        verbose_name=_("respondent group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="codes",
    )
    state = models.CharField(
        _("state"), max_length=8, choices=CodeState.choices, default=CodeState.UNUSED
    )

    class Meta:
        verbose_name = _("code")
        verbose_name_plural = _("codes")
        # Looked up by equality only: a constraint, without the pattern-matching index
        # Django adds on PostgreSQL to a ``unique=True`` text column (see PendingReceipt).
        constraints = [models.UniqueConstraint(fields=["digest"], name="code_digest")]

    def __str__(self) -> str:
        return f"{self.get_state_display()} ({self.box_id})"


class BallotSource(models.TextChoices):
    ONLINE = "online", _("Online")
    TYPED = "typed", _("Typed from paper")
    SCANNED = "scanned", _("Scanned from paper")


class Ballot(models.Model):
    """One respondent's sheet about one leader, in a sealed box (readable).

    Rows are only ever inserted, by the seal of their box, all in one transaction and in
    random order: the table holds no ciphertext and no row whose place or transaction
    followed voting. While a box is unsealed its sheets are :class:`PendingBallot` rows.

    ``answers`` holds one character per item of the questionnaire in item order: the
    0-based position of the chosen option in the item's scale (``0``–``9``), or ``-``
    when the item is unanswered (see :mod:`phieukin.ballots.sheet`).
    """

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    box = models.ForeignKey("rounds.BallotBox", on_delete=models.PROTECT, related_name="ballots")
    subject = models.ForeignKey("rounds.Subject", on_delete=models.PROTECT, related_name="ballots")
    group = models.ForeignKey(
        "rounds.RespondentGroup",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ballots",
    )
    source = models.CharField(max_length=8, choices=BallotSource.choices)
    valid = models.BooleanField(default=True)
    answers = models.CharField(max_length=64, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        indexes = [models.Index(fields=["box", "subject"], name="ballot_box_subject")]

    def __str__(self) -> str:
        return f"{_('Ballot')} {self.id}"


class Receipt(models.Model):
    """A receipt of a sealed box: proof of inclusion, never of content.

    Inserted by the seal (random order, one transaction); while the box is unsealed the
    receipt is a :class:`PendingReceipt`.

    Stored apart from the ballots (no link, random id) so that a receipt can be looked
    up on the public bulletin without pointing at any ballot.
    """

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    box = models.ForeignKey("rounds.BallotBox", on_delete=models.PROTECT, related_name="receipts")
    value = models.CharField(_("receipt"), max_length=32, unique=True)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")

    def __str__(self) -> str:
        return str(_("Receipt"))


class PendingBallot(models.Model):
    """A sheet of an unsealed box, encrypted to the box's public key.

    The open-box tables (this one, :class:`PendingReceipt`, :class:`Code`) only ever hold
    the rows of unsealed boxes, so the seal can rewrite them whole (``VACUUM FULL`` on
    PostgreSQL, a delete-all and re-insert under ``secure_delete`` on SQLite) at a cost
    that does not grow with the sealed history. ``answers``, ``group`` and ``comment``
    stay empty; the content is in ``ciphertext`` (:mod:`phieukin.ballots.boxkeys`). Only
    a box opened before boxes had keys keeps them readable here until sealing.
    """

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    # Every ballot writes each index of this table: the box is found through the
    # (box, subject) index and the group is in the ciphertext (the column stays empty
    # but for boxes opened before boxes had keys), so neither has an index of its own;
    # nor has the subject, which is only ever looked for within a box.
    box = models.ForeignKey(
        "rounds.BallotBox",
        on_delete=models.PROTECT,
        related_name="pending_ballots",
        db_index=False,
    )
    subject = models.ForeignKey(
        "rounds.Subject", on_delete=models.PROTECT, related_name="pending_ballots", db_index=False
    )
    group = models.ForeignKey(
        "rounds.RespondentGroup",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pending_ballots",
        db_index=False,
    )
    source = models.CharField(max_length=8, choices=BallotSource.choices)
    valid = models.BooleanField(default=True)
    answers = models.CharField(max_length=64, blank=True)
    comment = models.TextField(blank=True)
    ciphertext = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("ballot of an unsealed box")
        verbose_name_plural = _("ballots of unsealed boxes")
        indexes = [models.Index(fields=["box", "subject"], name="pending_box_subject")]

    def __str__(self) -> str:
        return f"{_('Ballot')} {self.id}"


class PendingReceipt(models.Model):
    """A receipt of an unsealed box (an open-box table, see :class:`PendingBallot`)."""

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    box = models.ForeignKey(
        "rounds.BallotBox", on_delete=models.PROTECT, related_name="pending_receipts"
    )
    value = models.CharField(_("receipt"), max_length=32)

    class Meta:
        verbose_name = _("receipt of an unsealed box")
        verbose_name_plural = _("receipts of unsealed boxes")
        # A constraint rather than ``unique=True``: on PostgreSQL Django adds to a unique
        # text column a second, pattern-matching index (``LIKE 'x%'``) that nothing here
        # uses and every ballot would write.
        constraints = [models.UniqueConstraint(fields=["value"], name="pending_receipt_value")]

    def __str__(self) -> str:
        return str(_("Receipt"))


class SealedCode(models.Model):
    """A code of a sealed box (keyed hash and final state), inserted by the seal in random
    order with a fresh id, so neither its place nor its transaction says when it was used."""

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    box = models.ForeignKey(
        "rounds.BallotBox", on_delete=models.PROTECT, related_name="sealed_codes"
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    group = models.ForeignKey(
        "rounds.RespondentGroup",
        verbose_name=_("respondent group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sealed_codes",
    )
    state = models.CharField(_("state"), max_length=8, choices=CodeState.choices)

    class Meta:
        verbose_name = _("code of a sealed box")
        verbose_name_plural = _("codes of sealed boxes")

    def __str__(self) -> str:
        return f"{self.get_state_display()} ({self.box_id})"


class Seal(models.Model):
    """The record of a sealed box: its counts, its digest and the counting minutes."""

    box = models.OneToOneField("rounds.BallotBox", on_delete=models.PROTECT, related_name="seal")
    sealed_at = models.DateTimeField(_("sealed at"))
    sealed_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    digest = models.CharField(_("digest (SHA-256 Merkle root)"), max_length=64)
    ballots_root = models.CharField(_("ballots Merkle root"), max_length=64, default="")
    receipts_root = models.CharField(_("receipts Merkle root"), max_length=64, default="")
    # Secret: never shown publicly. It keys each ballot's commitment to its group, source
    # and comment, so nobody can test a guess against the export (phieukin.ballots.digest).
    nonce = models.CharField(_("sealing nonce (secret)"), max_length=64, default="", editable=False)
    counts = models.JSONField(_("counts"))
    reconciliation_acknowledged = models.BooleanField(
        _("mismatch acknowledged by the committee"), default=False
    )
    # When the deleted pre-seal copies (ciphertexts, old rows of receipts and codes) were
    # verified gone from the database files; empty while another session kept them.
    scrubbed_at = models.DateTimeField(_("old copies scrubbed at"), null=True, blank=True)
    minutes_pdf = models.FileField(_("counting minutes (PDF)"), upload_to="minutes/", blank=True)
    signed_minutes = models.FileField(
        _("photo or scan of the signed minutes"), upload_to="signed/", blank=True
    )

    class Meta:
        verbose_name = _("seal")
        verbose_name_plural = _("seals")

    def __str__(self) -> str:
        return f"{self.box} — {self.digest[:12]}"


class BoxKey(models.Model):
    """The public half of an open box's key; the private half exists only as shares.

    The committee's shares (t of n, plus an optional recovery share) are printed when
    the box opens and never stored. ``fingerprint`` is also written to the audit chain
    at opening, so a public key swapped behind the product's back is refused at sealing.
    """

    box = models.OneToOneField("rounds.BallotBox", on_delete=models.PROTECT, related_name="key")
    public_key = models.BinaryField(_("public key (X25519)"), editable=False)
    fingerprint = models.CharField(_("public key fingerprint"), max_length=64, editable=False)
    threshold = models.PositiveSmallIntegerField(_("shares needed to seal"))
    members = models.PositiveSmallIntegerField(_("committee shares"))
    recovery = models.BooleanField(_("recovery share for the organiser"), default=False)
    # How the box's sheets are laid out before encryption (boxkeys.SHEET_FORMAT_*): fixed
    # when the box opens, so every ciphertext of the box has one length.
    sheet_format = models.PositiveSmallIntegerField(
        _("sheet layout"), default=boxkeys.SHEET_FORMAT, editable=False
    )

    class Meta:
        verbose_name = _("box key")
        verbose_name_plural = _("box keys")

    def __str__(self) -> str:
        return f"{self.box_id}: {self.threshold}/{self.members}"
