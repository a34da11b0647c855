"""The annual review and quality grading: one year per organiser, one grading per subject.

A year stores the key of the regulation it follows (``rules.py``), so the grades of
2018–2024 keep their rule while 2025 on uses the 100-point framework. A grading goes
through three steps in order — self-assessment, the advisory body's proposal, the
competent level's decision — and each step keeps who did it and when.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class GradeLevel(models.TextChoices):
    HTXSNV = "HTXSNV", _("Excellent (HTXSNV)")
    HTTNV = "HTTNV", _("Good (HTTNV)")
    HTNV = "HTNV", _("Completed (HTNV)")
    KHTNV = "KHTNV", _("Failed (KHTNV)")


class Regulation(models.TextChoices):
    QD132 = "QD132", "QĐ 132-QĐ/TW (2018)"
    QD124 = "QD124", "QĐ 124-QĐ/TW (2023)"
    QD366 = "QD366", "QĐ 366-QĐ/TW (2025)"


class GradingYear(models.Model):
    """The review of one year in an organiser's scope, under one regulation."""

    organiser_unit = models.ForeignKey(
        "units.Unit", verbose_name=_("organising unit"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveIntegerField(_("year"))
    regulation = models.CharField(_("regulation"), max_length=16, choices=Regulation.choices)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("grading year")
        verbose_name_plural = _("grading years")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["organiser_unit", "year"], name="grading_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year} — {self.organiser_unit}"


class SubjectKind(models.TextChoices):
    COLLECTIVE = "collective", _("Collective")
    INDIVIDUAL = "individual", _("Individual")


class Step(models.TextChoices):
    PENDING = "pending", _("Awaiting self-assessment")
    SELF_ASSESSED = "self_assessed", _("Self-assessed")
    PROPOSED = "proposed", _("Proposed by the advisory body")
    DECIDED = "decided", _("Decided")


class Grading(models.Model):
    """The review and grade of one collective or one individual in one year."""

    year = models.ForeignKey(GradingYear, on_delete=models.CASCADE, related_name="gradings")
    kind = models.CharField(_("kind"), max_length=16, choices=SubjectKind.choices)
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "units.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=200)
    position_title = models.CharField(_("position"), max_length=200, blank=True)
    peer_group = models.CharField(
        _("group of comparable subjects"),
        max_length=100,
        help_text=_("The excellent-to-good cap is checked within each group."),
    )
    step = models.CharField(_("step"), max_length=16, choices=Step.choices, default=Step.PENDING)

    self_text = models.TextField(_("self-assessment"), blank=True)
    self_grade = models.CharField(
        _("self-grading"), max_length=8, choices=GradeLevel.choices, blank=True
    )
    self_general = models.DecimalField(
        _("general criteria (points)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    self_tasks = models.DecimalField(
        _("task results (points)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    self_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    self_at = models.DateTimeField(null=True, blank=True)

    proposal_text = models.TextField(_("advisory body's remarks"), blank=True)
    proposed_grade = models.CharField(
        _("proposed grade"), max_length=8, choices=GradeLevel.choices, blank=True
    )
    proposed_general = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    proposed_tasks = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(null=True, blank=True)

    decision_text = models.TextField(_("decision remarks"), blank=True)
    decided_grade = models.CharField(
        _("decided grade"), max_length=8, choices=GradeLevel.choices, blank=True
    )
    decided_general = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    decided_tasks = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("grading")
        verbose_name_plural = _("gradings")
        ordering = ["kind", "unit__sort_key", "position_title", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "unit"],
                condition=models.Q(kind="collective"),
                name="grading_one_collective_per_unit",
            ),
            models.UniqueConstraint(
                fields=["year", "unit", "person"],
                condition=models.Q(kind="individual"),
                name="grading_one_per_person_and_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year.year})"

    @staticmethod
    def _sum(a: Decimal | None, b: Decimal | None) -> Decimal | None:
        return None if a is None or b is None else a + b

    @property
    def self_total(self) -> Decimal | None:
        return self._sum(self.self_general, self.self_tasks)

    @property
    def proposed_total(self) -> Decimal | None:
        return self._sum(self.proposed_general, self.proposed_tasks)

    @property
    def decided_total(self) -> Decimal | None:
        return self._sum(self.decided_general, self.decided_tasks)

    @property
    def current_total(self) -> Decimal | None:
        """Return the points of the latest step that has them."""
        for total in (self.decided_total, self.proposed_total, self.self_total):
            if total is not None:
                return total
        return None

    @property
    def current_grade(self) -> str:
        """Return the latest grade given: decided, else proposed, else self-graded."""
        return self.decided_grade or self.proposed_grade or self.self_grade
