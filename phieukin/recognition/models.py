"""The recognition registry: honourees ("Người tốt, việc tốt") and emulation models (mô hình)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from phieukin.core.collation import person_sort_key


class Level(models.TextChoices):
    DISTRICT = "district", _("District level")
    CITY = "city", _("City level")
    NATIONAL = "national", _("National level")


class Honouree(models.Model):
    """A person named "Người tốt, việc tốt" by a decision, at one level, in one year.

    ``person`` links a leader of the product when the honouree is one; most honourees
    are citizens known only by name. ``public`` is set only by the district office.
    """

    full_name = models.CharField(_("full name"), max_length=128)
    person = models.ForeignKey(
        "units.Person",
        verbose_name=_("leader record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("honour level"), max_length=16, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    deed = models.CharField(_("deed"), max_length=500)
    decision_number = models.CharField(_("decision number"), max_length=64)
    decision_date = models.DateField(_("decision date"))
    public = models.BooleanField(_("shown on the public site"), default=False)
    sort_key = models.CharField(max_length=800, editable=False, db_index=True)

    class Meta:
        verbose_name = _("honouree")
        verbose_name_plural = _("honourees")
        ordering = ["-year", "unit__sort_key", "sort_key"]
        indexes = [models.Index(fields=["year", "unit"])]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.year})"

    def save(self, *args: object, **kwargs: object) -> None:
        # Derived column, not a business rule: keeps ORDER BY Vietnamese on any database.
        self.sort_key = person_sort_key(self.full_name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class FieldOfWork(models.TextChoices):
    ECONOMY = "economy", _("Economy and urban development")
    CULTURE = "culture", _("Culture and society")
    ENVIRONMENT = "environment", _("Environment")
    SECURITY = "security", _("Security and order")
    MASS_MOBILISATION = "mass_mobilisation", _("Mass mobilisation")
    PARTY_BUILDING = "party_building", _("Party building")
    ADMINISTRATION = "administration", _("Administrative reform")


class ModelStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    RECOGNISED = "recognised", _("Recognised")
    REPLICATED = "replicated", _("Replicated")
    DISCONTINUED = "discontinued", _("Discontinued")


class EmulationModel(models.Model):
    """An emulation model (mô hình) of a unit in a year, e.g. "Khối vận khéo"."""

    name = models.CharField(_("model name"), max_length=200)
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    field = models.CharField(_("field"), max_length=32, choices=FieldOfWork.choices)
    description = models.TextField(_("description"))
    results = models.TextField(_("results"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ModelStatus.choices, default=ModelStatus.RECOGNISED
    )
    public = models.BooleanField(_("shown on the public site"), default=False)

    class Meta:
        verbose_name = _("emulation model")
        verbose_name_plural = _("emulation models")
        ordering = ["-year", "unit__sort_key", "name"]
        indexes = [models.Index(fields=["year", "unit"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"
