"""Units (a tree with validity dates), people, positions and who held them when."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from phieukin.core.collation import person_sort_key, sort_key


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Province / city")
    DISTRICT = "district", _("District")
    WARD = "ward", _("Ward")
    COMMUNE = "commune", _("Commune")
    OTHER = "other", _("Other")


class Unit(models.Model):
    """An administrative and Party unit: province → district → ward, any depth.

    Units are never deleted: a merged or abolished unit gets ``valid_until``; a unit moved
    under another parent keeps its history in the audit log.
    """

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    code = models.CharField(_("administrative code"), max_length=16, blank=True)
    slug = models.SlugField(_("slug"), max_length=64)
    name = models.CharField(_("name"), max_length=128)
    full_name = models.CharField(_("full name"), max_length=160)
    party_committee = models.CharField(_("Party committee"), max_length=160, blank=True)
    party_organisation = models.CharField(_("Party organisation"), max_length=160, blank=True)
    people_committee = models.CharField(_("People's Committee"), max_length=160, blank=True)
    organiser_unit = models.CharField(_("organising department"), max_length=160, blank=True)
    document_symbol_suffix = models.CharField(
        _("document symbol suffix"), max_length=16, blank=True
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    sort_key = models.CharField(max_length=400, editable=False, db_index=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "slug"], name="unit_slug_unique_in_parent"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.name

    def save(self, *args: object, **kwargs: object) -> None:
        # Derived column, not a business rule: keeps ORDER BY Vietnamese on any database.
        self.sort_key = sort_key(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def is_valid_on(self, day: dt.date) -> bool:
        """Return whether the unit existed on *day*."""
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_until and day > self.valid_until)

    def ancestors(self) -> list[Unit]:
        """Return the chain of parents, nearest first."""
        chain: list[Unit] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def parent_id_on(self, day: dt.date) -> int | None:
        """Return the id of the unit's parent on *day*, undoing later moves.

        ``parent`` is the parent today; each :class:`UnitMove` of a reorganisation that
        took effect after *day* is undone, the latest last.
        """
        later = [
            move
            for move in self.moves.select_related("reorganisation").all()
            if move.reorganisation.effective > day
        ]
        if not later:
            return self.parent_id
        first = min(later, key=lambda m: m.reorganisation.effective)
        return first.old_parent_id


class Person(models.Model):
    """A person who holds or held a leadership position."""

    full_name = models.CharField(_("full name"), max_length=128)
    note = models.CharField(_("note"), max_length=255, blank=True)
    sort_key = models.CharField(max_length=800, editable=False, db_index=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["sort_key"]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: object, **kwargs: object) -> None:
        self.sort_key = person_sort_key(self.full_name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class PositionKind(models.TextChoices):
    PARTY = "dang", _("Party")
    GOVERNMENT = "chinh_quyen", _("Government")
    OTHER = "khac", _("Other")


class PositionType(models.Model):
    """A kind of leadership post evaluated in every unit, e.g. the ward Party Secretary."""

    key = models.SlugField(_("key"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=160)
    title_template = models.CharField(
        _("title template"), max_length=200, help_text=_("Use {ward} for the unit's name.")
    )
    organ = models.CharField(_("organ"), max_length=160, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=PositionKind.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        verbose_name = _("position type")
        verbose_name_plural = _("position types")
        ordering = ["order", "key"]

    def __str__(self) -> str:
        return self.title


class Position(models.Model):
    """One post in one unit, e.g. the Party Secretary of Thượng Thanh ward."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="positions"
    )
    type = models.ForeignKey(
        PositionType, verbose_name=_("position type"), on_delete=models.PROTECT
    )
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["unit__sort_key", "type__order"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "type"], name="position_unique_per_unit"),
        ]

    def __str__(self) -> str:
        return self.title

    def holder_on(self, day: dt.date) -> Person | None:
        """Return who held the post on *day*, or None when it was vacant."""
        tenure = (
            self.tenures.filter(start__lte=day)
            .filter(models.Q(end__isnull=True) | models.Q(end__gte=day))
            .select_related("person")
            .order_by("-start")
            .first()
        )
        return tenure.person if tenure else None


class Tenure(models.Model):
    """A person's time in a position; one person may hold two posts at once."""

    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.PROTECT, related_name="tenures"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="tenures"
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)

    class Meta:
        verbose_name = _("tenure")
        verbose_name_plural = _("tenures")
        ordering = ["position", "-start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="tenure_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.position}"


class Reorganisation(models.Model):
    """One dated reorganisation of the map: units end, units begin, wards move.

    Recorded by :func:`phieukin.units.services.record_reorganisation` in one transaction;
    the units that end get ``valid_until = effective - 1 day``, the new ones
    ``valid_from = effective``, and every successor names its predecessors
    (:class:`Succession`).
    """

    effective = models.DateField(_("effective from"))
    title = models.CharField(_("title"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reorganisation")
        verbose_name_plural = _("reorganisations")
        ordering = ["effective", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def last_day_before(self) -> dt.date:
        """Return the last day of the map this reorganisation replaced."""
        return self.effective - dt.timedelta(days=1)


class Succession(models.Model):
    """A new unit succeeds an old one, wholly or in part (a share of population or staff)."""

    reorganisation = models.ForeignKey(
        Reorganisation,
        verbose_name=_("reorganisation"),
        on_delete=models.PROTECT,
        related_name="successions",
    )
    predecessor = models.ForeignKey(
        Unit,
        verbose_name=_("predecessor"),
        on_delete=models.PROTECT,
        related_name="successions_as_predecessor",
    )
    successor = models.ForeignKey(
        Unit,
        verbose_name=_("successor"),
        on_delete=models.PROTECT,
        related_name="successions_as_successor",
    )
    whole = models.BooleanField(_("the whole of the predecessor"), default=False)
    population_share = models.DecimalField(
        _("share of the predecessor's population"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
    )
    staff_share = models.DecimalField(
        _("share of the predecessor's staff"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
    )
    verified = models.BooleanField(
        _("checked against the legal text"),
        default=True,
        help_text=_("Unchecked when the split is taken from secondary sources."),
    )

    class Meta:
        verbose_name = _("succession")
        verbose_name_plural = _("successions")
        ordering = ["reorganisation", "successor__sort_key", "predecessor__sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["reorganisation", "predecessor", "successor"], name="succession_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class UnitMove(models.Model):
    """A unit that continues but changes parent in a reorganisation (district → city)."""

    reorganisation = models.ForeignKey(
        Reorganisation,
        verbose_name=_("reorganisation"),
        on_delete=models.PROTECT,
        related_name="moves",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="moves"
    )
    old_parent = models.ForeignKey(
        Unit,
        verbose_name=_("former parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    new_parent = models.ForeignKey(
        Unit,
        verbose_name=_("new parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("move of a unit")
        verbose_name_plural = _("moves of units")
        constraints = [
            models.UniqueConstraint(fields=["reorganisation", "unit"], name="move_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.old_parent} → {self.new_parent}"
