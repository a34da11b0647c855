"""Directive 24-CT/TU self-checks: checklist versions, sessions, entries and findings.

A checklist version is imported by the organiser from a file; its items keep whether
their wording was verified against the official text. A session is one unit's
political-ideological session of a period, where the collective and each individual
compare themselves with the checklist; an entry is one of them, and a finding is one
expression they said applies, with its remedy, who follows it up and by when.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from phieukin.selfcheck import aggregate


class Checklist(models.Model):
    """One imported version of the list of expressions (biểu hiện)."""

    code = models.SlugField(_("code"), max_length=64)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=300, blank=True)
    document = models.CharField(_("source document"), max_length=300, blank=True)
    filename = models.CharField(_("imported file"), max_length=200, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Directive 24 checklist")
        verbose_name_plural = _("Directive 24 checklists")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="checklist_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title or self.code} — v{self.version}"


class ChecklistGroup(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="groups")
    key = models.CharField(_("key"), max_length=32)
    order = models.PositiveIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=300)
    verified = models.BooleanField(_("verified"), default=False)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "key"], name="checklist_group_unique")
        ]

    def __str__(self) -> str:
        return self.title


class ChecklistItem(models.Model):
    """One expression; ``verified`` False means a draft wording, marked in every output."""

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    group = models.ForeignKey(
        ChecklistGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="items"
    )
    key = models.CharField(_("key"), max_length=32)
    order = models.PositiveIntegerField(_("number"))
    text = models.TextField(_("text"))
    verified = models.BooleanField(_("verified"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("expression")
        verbose_name_plural = _("expressions")
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "key"], name="checklist_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text[:60]}"


class Session(models.Model):
    """One unit's self-check session of a period (e.g. the 2023 session of a ward)."""

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(
        _("period"), max_length=16, help_text=_("A year (2023) or a year and half (2023-II).")
    )
    checklist = models.ForeignKey(
        Checklist, verbose_name=_("checklist"), on_delete=models.PROTECT, related_name="sessions"
    )
    title = models.CharField(_("title"), max_length=300)
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    chaired_by = models.CharField(_("chaired by"), max_length=200, blank=True)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    speakers = models.PositiveIntegerField(_("speakers"), default=0)
    speaker_names = models.TextField(_("speakers (names)"), blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("self-check session")
        verbose_name_plural = _("self-check sessions")
        ordering = ["-held_on", "unit__sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "period"], name="selfcheck_session_unique"),
            models.CheckConstraint(
                condition=models.Q(speakers__lte=models.F("participants")),
                name="selfcheck_speakers_within_participants",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class EntryKind(models.TextChoices):
    COLLECTIVE = aggregate.COLLECTIVE, _("Collective")
    INDIVIDUAL = aggregate.INDIVIDUAL, _("Individual")


class Entry(models.Model):
    """The collective or one individual comparing themselves with the checklist."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    name = models.CharField(_("name"), max_length=200)
    role_title = models.CharField(_("position"), max_length=200, blank=True)
    person = models.ForeignKey(
        "units.Person",
        verbose_name=_("leader record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    none_apply = models.BooleanField(_("no expression applies"), default=False)

    class Meta:
        verbose_name = _("self-check entry")
        verbose_name_plural = _("self-check entries")
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session"],
                condition=models.Q(kind=aggregate.COLLECTIVE),
                name="selfcheck_one_collective_entry",
            )
        ]

    def __str__(self) -> str:
        return self.name


class FindingStatus(models.TextChoices):
    PENDING = aggregate.PENDING, _("Not started")
    IN_PROGRESS = aggregate.IN_PROGRESS, _("In progress")
    DONE = aggregate.DONE, _("Done")


class Finding(models.Model):
    """An expression that applies, the remedy, who follows it up, by when, and its status."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="findings")
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("expression"), on_delete=models.PROTECT, related_name="+"
    )
    remedy = models.TextField(_("causes and remedy"))
    follow_up_by = models.CharField(_("followed up by"), max_length=200)
    due_on = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=16, choices=FindingStatus.choices, default=FindingStatus.PENDING
    )
    status_note = models.TextField(_("follow-up note"), blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["item__order"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "item"], name="selfcheck_finding_unique")
        ]

    def __str__(self) -> str:
        return f"{self.entry} — {self.item.key}"
