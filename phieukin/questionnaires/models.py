"""Versioned questionnaires: sections, items, scales with scored and unscored options.

A questionnaire is frozen (``frozen_at`` set) when a round opens with it; from then on
nothing in it changes, and a new version is made for further edits.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Questionnaire(models.Model):
    code = models.SlugField(_("code"), max_length=64)
    version = models.PositiveIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=300)
    short_title = models.CharField(_("short title"), max_length=120, blank=True)
    instructions = models.TextField(_("instructions"), blank=True)
    comment_label = models.CharField(_("comment label"), max_length=120, default="Ý kiến khác")
    comment_help = models.TextField(_("comment help"), blank=True)
    comment_max_length = models.PositiveIntegerField(_("comment maximum length"), default=2000)
    # Suggestions carried from the YAML file: respondent groups, periods, rules, references.
    respondent_groups = models.JSONField(_("suggested respondent groups"), default=list, blank=True)
    subject_positions = models.JSONField(_("positions evaluated"), default=list, blank=True)
    suggested_rules = models.JSONField(_("suggested rules"), default=dict, blank=True)
    references = models.JSONField(_("references"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="questionnaire_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.short_title or self.title} (v{self.version})"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class Scale(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="scales"
    )
    key = models.SlugField(_("key"), max_length=64)
    label = models.CharField(_("label"), max_length=120)

    class Meta:
        verbose_name = _("scale")
        verbose_name_plural = _("scales")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "key"], name="scale_key_unique"),
        ]

    def __str__(self) -> str:
        return self.label


class ScaleOption(models.Model):
    """One ordered choice of a scale; unscored options (Không đánh giá) have no score."""

    scale = models.ForeignKey(Scale, on_delete=models.CASCADE, related_name="options")
    key = models.SlugField(_("key"), max_length=64)
    label = models.CharField(_("label"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        verbose_name = _("scale option")
        verbose_name_plural = _("scale options")
        ordering = ["scale", "order"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "key"], name="option_key_unique"),
            models.UniqueConstraint(fields=["scale", "order"], name="option_order_unique"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def scored(self) -> bool:
        return self.score is not None


class Section(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="sections"
    )
    key = models.CharField(_("key"), max_length=16)
    title = models.CharField(_("title"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["questionnaire", "order"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "key"], name="section_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key}. {self.title}"


class Item(models.Model):
    """One statement respondents rate; ``key`` (e.g. ``nd01``) is its id in the API."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="items")
    scale = models.ForeignKey(Scale, on_delete=models.PROTECT, related_name="items")
    key = models.SlugField(_("key"), max_length=64)
    text = models.TextField(_("text"))
    order = models.PositiveSmallIntegerField(_("order"))
    basis = models.JSONField(_("basis"), default=list, blank=True)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["questionnaire", "order"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "key"], name="item_key_unique"),
            models.UniqueConstraint(fields=["questionnaire", "order"], name="item_order_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text[:60]}"
