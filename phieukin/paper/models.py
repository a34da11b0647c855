"""Paper ballots on their way into the box: pending entries, scans, review queue.

Everything here is transient or evidence, never a ballot. The secret-ballot rules of
DESIGN.md §4 apply to it as well:

- no row carries a timestamp or a sequence number, and every primary key is random, so
  neither the rows nor their physical order tell in which order sheets were typed or
  scanned;
- a pending entry or reading is deleted (secure_delete is on) in the same transaction
  in which its ballot enters the box, and nothing points from a ballot back to it;
- who typed a pending entry is stored (double entry needs it), never on the ballot;
- the serials of scanned sheets are kept only as keyed hashes, per box, unlinked.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from phieukin.core.ids import random_id

SPOT_CHECK = "spot_check"  # in PendingReading.problems: a copy chosen for a blind check
SPOT_CHECK_PERCENT = 5  # one copy read without doubt in twenty, unless the committee sets it


class PaperOptions(models.Model):
    """How a box's paper ballots are entered: double entry or not, and the share of
    scanned copies read without doubt that a person checks against the paper anyway."""

    box = models.OneToOneField(
        "rounds.BallotBox", on_delete=models.CASCADE, related_name="paper_options"
    )
    double_entry = models.BooleanField(
        _("double entry"),
        default=False,
        help_text=_("Two different committee members type every sheet; differences are resolved."),
    )
    spot_check_percent = models.PositiveSmallIntegerField(
        _("random check of scanned sheets (%)"),
        default=SPOT_CHECK_PERCENT,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "Of the scanned sheets the reader read without doubt, this share is sent at "
            "random to a member, who types the whole sheet from the paper without seeing "
            "the reading; every difference is counted."
        ),
    )

    class Meta:
        verbose_name = _("paper entry options")
        verbose_name_plural = _("paper entry options")

    def __str__(self) -> str:
        return str(self.box)

    @classmethod
    def spot_check_of(cls, box: object) -> int:
        """Return *box*'s share (%) of copies read without doubt that go to a blind check."""
        percent = cls.objects.filter(box=box).values_list("spot_check_percent", flat=True)
        found = percent.first()
        return SPOT_CHECK_PERCENT if found is None else int(found)


class PendingEntry(models.Model):
    """A typed sheet waiting for its second entry or for a resolution (double entry).

    ``sheet_label`` is what the committee wrote on (or what is printed on) the physical
    sheet, so that both typists and the resolver talk about the same piece of paper.
    """

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    box = models.ForeignKey(
        "rounds.BallotBox", on_delete=models.CASCADE, related_name="pending_entries"
    )
    subject = models.ForeignKey(
        "rounds.Subject", on_delete=models.CASCADE, related_name="pending_entries"
    )
    group = models.ForeignKey(
        "rounds.RespondentGroup", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    sheet_label = models.CharField(_("sheet number"), max_length=32)
    first_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("first entry by"),
    )
    first_keys = models.CharField(max_length=64)
    first_invalid = models.BooleanField(default=False)
    first_comment = models.TextField(blank=True)
    second_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("second entry by"),
    )
    second_keys = models.CharField(max_length=64, blank=True)
    second_invalid = models.BooleanField(default=False)
    second_comment = models.TextField(blank=True)

    class Meta:
        verbose_name = _("pending typed sheet")
        verbose_name_plural = _("pending typed sheets")
        constraints = [
            models.UniqueConstraint(
                fields=["box", "subject", "sheet_label"], name="pending_entry_unique_sheet"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} — {self.sheet_label}"

    @property
    def needs_resolution(self) -> bool:
        return self.second_by_id is not None


class ScanFile(models.Model):
    """An uploaded scan file, kept as sealed evidence of the box (never shown to leaders)."""

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    box = models.ForeignKey("rounds.BallotBox", on_delete=models.PROTECT, related_name="scans")
    batch = models.ForeignKey(
        "paper.ScanBatch", on_delete=models.PROTECT, related_name="files", null=True
    )
    file = models.FileField(_("file"), upload_to="scans/")
    name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("scan file")
        verbose_name_plural = _("scan files")
        ordering = ["batch", "position"]

    def __str__(self) -> str:
        return self.name


class ScanBatch(models.Model):
    """One upload of scan files, processed a few pages at a time.

    ``cursor`` counts the pages already read across the batch's files in order;
    ``refusals`` lists the refused pages as ``{"file", "page", "code", "reason"}`` (the
    reason in Vietnamese, naming the fix).
    """

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    box = models.ForeignKey("rounds.BallotBox", on_delete=models.PROTECT, related_name="batches")
    uploaded_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    pages_total = models.PositiveIntegerField(default=0)
    cursor = models.PositiveIntegerField(default=0)
    ballots_entered = models.PositiveIntegerField(default=0)
    sent_to_review = models.PositiveIntegerField(default=0)
    spot_checks = models.PositiveIntegerField(default=0)  # of sent_to_review: chosen at random
    refusals = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("scan batch")
        verbose_name_plural = _("scan batches")

    def __str__(self) -> str:
        return f"{self.box} — {self.cursor}/{self.pages_total}"

    @property
    def done(self) -> bool:
        return self.cursor >= self.pages_total


class PendingReading(models.Model):
    """A scanned copy waiting for its other pages or for a human.

    A printed copy may span several pages that share a random serial; ``copy_digest``
    is a keyed hash of that serial (never the serial itself), ``pages_read`` the page
    numbers read so far. ``answers`` maps item key → option key or None for the items
    read clearly; each doubtful item has a :class:`ReviewCrop` (the image of its row).
    ``comment_crop`` holds the handwritten comment area (PNG) when it has ink, for the
    committee to transcribe. The row is deleted when its ballot enters the box.
    """

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    box = models.ForeignKey(
        "rounds.BallotBox", on_delete=models.CASCADE, related_name="pending_readings"
    )
    subject = models.ForeignKey(
        "rounds.Subject", on_delete=models.CASCADE, related_name="pending_readings"
    )
    copy_digest = models.CharField(max_length=64)
    sheet_number = models.CharField(_("sheet number"), max_length=16, blank=True)
    page_count = models.PositiveSmallIntegerField(default=1)
    pages_read = models.JSONField(default=list)
    answers = models.JSONField(default=dict)
    problems = models.JSONField(default=list)
    comment_crop = models.BinaryField(null=True, blank=True)

    class Meta:
        verbose_name = _("scanned sheet awaiting review")
        verbose_name_plural = _("scanned sheets awaiting review")
        constraints = [
            models.UniqueConstraint(fields=["box", "copy_digest"], name="pending_reading_copy"),
        ]

    def __str__(self) -> str:
        return str(self.subject)

    @property
    def complete(self) -> bool:
        return len(set(self.pages_read)) >= self.page_count

    @property
    def spot_check(self) -> bool:
        """Whether the copy was read without doubt and chosen at random for a blind check."""
        return SPOT_CHECK in self.problems


class ReviewCrop(models.Model):
    """The image of one doubtful item of a pending reading."""

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    reading = models.ForeignKey(PendingReading, on_delete=models.CASCADE, related_name="crops")
    item_key = models.SlugField(max_length=64)
    reason = models.CharField(max_length=200, blank=True)
    image = models.BinaryField()

    class Meta:
        verbose_name = _("item image")
        verbose_name_plural = _("item images")
        constraints = [
            models.UniqueConstraint(fields=["reading", "item_key"], name="review_crop_unique"),
        ]

    def __str__(self) -> str:
        return self.item_key


class ReviewPage(models.Model):
    """One read page of a pending copy: the whole page image and every row's reading.

    ``image`` is the page resampled to the reader's raster (JPEG) with the comment area
    painted out (handwriting is transcribed from its own crop); ``rows`` holds
    ``[item key, status, option index, reason]`` for every item of the page, so the
    reviewer confirms the whole copy, not only its doubtful rows. Deleted with the copy.
    """

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    reading = models.ForeignKey(PendingReading, on_delete=models.CASCADE, related_name="pages")
    page = models.PositiveSmallIntegerField()
    image = models.BinaryField()
    rows = models.JSONField(default=list)

    class Meta:
        verbose_name = _("scanned page awaiting review")
        verbose_name_plural = _("scanned pages awaiting review")
        constraints = [
            models.UniqueConstraint(fields=["reading", "page"], name="review_page_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.reading} — {self.page}"


class SeenSheet(models.Model):
    """The keyed hash of a scanned page (copy serial and page), to refuse it twice.

    Deliberately unlinked from the ballot the sheet became.
    """

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    box = models.ForeignKey("rounds.BallotBox", on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("scanned sheet serial")
        verbose_name_plural = _("scanned sheet serials")
        constraints = [
            models.UniqueConstraint(fields=["box", "digest"], name="seen_sheet_unique"),
        ]

    def __str__(self) -> str:
        return self.digest[:12]


class VoidedSheet(models.Model):
    """A paper sheet the counting committee set aside before sealing, with the reason.

    It enters the box's paper reconciliation (returned = entered + voided). It holds the
    reason only: no sheet content, no typist, no time, no link to a ballot or a person
    (who voided it, and when, is in the audit log).
    """

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    box = models.ForeignKey(
        "rounds.BallotBox", on_delete=models.CASCADE, related_name="voided_sheets"
    )
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("voided paper sheet")
        verbose_name_plural = _("voided paper sheets")

    def __str__(self) -> str:
        return self.reason


class ReaderCheck(models.Model):
    """How often people found the scan reader wrong in a box: counts only, never a vote.

    ``spot_*``: the copies read without doubt and chosen at random, typed blind from the
    paper: copies, items compared and items whose paper differed from the reading.
    ``reviewed_items``/``corrected``: on copies that went to review for a doubt and were
    confirmed digit by digit, the items the reader had read *without* doubt, and those of
    them the reviewer changed. Which copy, item or option differed is never stored.
    """

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)
    box = models.OneToOneField(
        "rounds.BallotBox", on_delete=models.CASCADE, related_name="reader_check"
    )
    spot_copies = models.PositiveIntegerField(default=0)
    spot_items = models.PositiveIntegerField(default=0)
    spot_differences = models.PositiveIntegerField(default=0)
    spot_copies_differing = models.PositiveIntegerField(default=0)
    reviewed_items = models.PositiveIntegerField(default=0)
    corrected = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("check of the scan reader")
        verbose_name_plural = _("checks of the scan reader")

    def __str__(self) -> str:
        return str(self.box)
