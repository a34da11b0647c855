"""Criteria sets, commitments per official and year, quarterly assessments, reminders."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CriteriaSet(models.Model):
    """A version of the professional criteria (bộ tiêu chí chuyên nghiệp); never edited.

    A new version is a new row imported from a file; commitments keep the version they
    were made against.
    """

    code = models.SlugField(_("set code"), max_length=64)
    version = models.PositiveIntegerField(_("set version"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    levels = models.JSONField(
        _("levels"), default=list, help_text=_("Best first: key, label, min_percent.")
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="criteria_set_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class Criterion(models.Model):
    """One criterion of a set, in a group, worth at most ``max_score`` points."""

    criteria_set = models.ForeignKey(
        CriteriaSet,
        verbose_name=_("criteria set"),
        on_delete=models.CASCADE,
        related_name="criteria",
    )
    key = models.CharField(_("key"), max_length=32)
    group_key = models.CharField(_("group"), max_length=32)
    group_title = models.CharField(_("group title"), max_length=300)
    text = models.TextField(_("criterion"))
    max_score = models.PositiveSmallIntegerField(_("maximum score"))
    order = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["criteria_set", "order"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "key"], name="criterion_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key}. {self.text[:60]}"


class Commitment(models.Model):
    """An official's pledge (bản cam kết) to a criteria set for one year, in one unit."""

    person = models.ForeignKey(
        "units.Person", verbose_name=_("official"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("criteria set"), on_delete=models.PROTECT, related_name="+"
    )
    position_title = models.CharField(_("position"), max_length=200, blank=True)
    pledge = models.TextField(_("pledge"), blank=True)
    committed_on = models.DateField(_("committed on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("commitment to the criteria")
        verbose_name_plural = _("commitments to the criteria")
        ordering = ["-year", "unit__sort_key", "person__sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="commitment_one_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.year}"


class AssessmentState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Returned for revision")
    REVIEWED = "reviewed", _("Reviewed")


class Assessment(models.Model):
    """An official's self-assessment for one quarter and the manager's review of it."""

    commitment = models.ForeignKey(
        Commitment,
        verbose_name=_("commitment"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    state = models.CharField(
        _("state"), max_length=16, choices=AssessmentState.choices, default=AssessmentState.DRAFT
    )
    self_comment = models.TextField(_("self-assessment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_comment = models.TextField(_("manager's comment"), blank=True)
    self_points = models.PositiveSmallIntegerField(_("self-assessed points"), default=0)
    reviewed_points = models.PositiveSmallIntegerField(_("reviewed points"), null=True, blank=True)
    maximum = models.PositiveSmallIntegerField(_("maximum points"), default=0)
    level_key = models.CharField(_("level"), max_length=32, blank=True)
    level_label = models.CharField(_("level"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("quarterly assessment")
        verbose_name_plural = _("quarterly assessments")
        ordering = ["commitment", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "quarter"], name="assessment_one_per_quarter"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="assessment_quarter_1_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment} — Q{self.quarter}"


class Score(models.Model):
    """The points of one criterion in one assessment: the official's, then the manager's."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    self_score = models.PositiveSmallIntegerField(_("self-assessed score"))
    reviewed_score = models.PositiveSmallIntegerField(_("reviewed score"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["assessment", "criterion__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="score_one_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion.key}: {self.self_score}"


class ReminderKind(models.TextChoices):
    SELF = "self", _("Self-assessment not submitted")
    REVIEW = "review", _("Review not done")


class Reminder(models.Model):
    """A queued reminder that a quarter's assessment (or its review) is not done.

    Queued by ``manage.py criteria_reminders --queue``; shown on the dashboard of the
    official (self-assessment) or of the reviewers (review) until the work is done.
    """

    commitment = models.ForeignKey(
        Commitment, verbose_name=_("commitment"), on_delete=models.CASCADE, related_name="+"
    )
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    kind = models.CharField(_("kind"), max_length=16, choices=ReminderKind.choices)
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-queued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "quarter", "kind"], name="reminder_once_per_quarter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commitment} — Q{self.quarter} — {self.kind}"
