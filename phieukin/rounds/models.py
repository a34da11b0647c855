"""Rounds of feedback, their conferences (one per ward) and ballot boxes."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from phieukin.core import documents
from phieukin.rounds.lifecycle import BoxState, RoundState


class DoubleMarkPolicy(models.TextChoices):
    UNANSWERED = "unanswered", _("The item counts as unanswered")
    INVALID = "invalid", _("The whole ballot is invalid")


class Round(models.Model):
    """A round ("Đợt I/2022") run by a district over its wards.

    The anonymity rules (k, comment k) and the flag rule are fixed once the first box
    opens (``rules_locked_at``); the validity rules are printed on ballots and minutes.
    """

    STATE_CHOICES = [
        (RoundState.DRAFT.value, _("Draft")),
        (RoundState.OPEN.value, _("Open")),
        (RoundState.CLOSED.value, _("Closed")),
        (RoundState.PUBLISHED.value, _("Published")),
    ]

    organiser_unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("organising unit"),
        on_delete=models.PROTECT,
        related_name="rounds",
    )
    title = models.CharField(_("title"), max_length=120)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("number in the year"), default=1)
    questionnaire = models.ForeignKey(
        "questionnaires.Questionnaire",
        verbose_name=_("questionnaire"),
        on_delete=models.PROTECT,
        related_name="rounds",
    )
    position_types = models.ManyToManyField(
        "units.PositionType", verbose_name=_("positions evaluated"), related_name="rounds"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=STATE_CHOICES, default=RoundState.DRAFT.value
    )
    # Disclosure control.
    k_threshold = models.PositiveSmallIntegerField(
        _("minimum ballots for any figure (k)"),
        default=5,
        validators=[MinValueValidator(3), MaxValueValidator(100)],
    )
    k_comments = models.PositiveSmallIntegerField(
        _("minimum ballots before comments are shown"),
        default=8,
        validators=[MinValueValidator(3), MaxValueValidator(100)],
    )
    # Flag rule (tồn tại, hạn chế): an item is flagged when either condition holds.
    flag_low_share = models.DecimalField(
        _("flag when low ratings reach this share"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.200"),
    )
    flag_mean_below = models.DecimalField(
        _("flag when the mean score is below"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("3.00"),
    )
    flag_analogy = models.BooleanField(
        _("also show the QĐ 96 analogy flags (> 50%, ≥ 2/3 low ratings)"), default=True
    )
    low_option_keys = models.JSONField(
        _("options counted as low ratings"), default=list, blank=True
    )
    # Validity rules for paper ballots.
    blank_ballot_invalid = models.BooleanField(_("a blank ballot is invalid"), default=True)
    double_mark_policy = models.CharField(
        _("two marks on one item"),
        max_length=16,
        choices=DoubleMarkPolicy.choices,
        default=DoubleMarkPolicy.UNANSWERED,
    )
    target_participation = models.DecimalField(
        _("target participation"), max_digits=4, decimal_places=3, default=Decimal("0.900")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    rules_locked_at = models.DateTimeField(
        _("rules fixed at"), null=True, blank=True, editable=False
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    # The plan the round carries out (HD 36: every report opens "Thực hiện Kế hoạch số
    # 104-KH/QU ngày 11/02/2022 của Ban Thường vụ Quận ủy …"). Document data, not a rule:
    # it may be corrected in any state, and every document prints what is recorded.
    plan_number = models.CharField(
        _("plan number and symbol"), max_length=64, blank=True, help_text="104-KH/QU"
    )
    plan_date = models.DateField(_("plan date"), null=True, blank=True)
    plan_issuer = models.CharField(_("plan issued by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organiser_unit", "year", "number"], name="round_unique_per_period"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        """Return whether the round's reports are released (read by the access rules)."""
        return self.state == RoundState.PUBLISHED.value

    @property
    def rules_locked(self) -> bool:
        return self.rules_locked_at is not None

    @property
    def plan_reference(self) -> str:
        """Return "Kế hoạch số 104-KH/QU ngày 11/02/2022 của …", or "" when none is recorded."""
        return documents.plan_reference(
            self.plan_number, self.plan_date, self.plan_issuer_or_default
        )

    @property
    def plan_issuer_or_default(self) -> str:
        """Return who issued the plan: as recorded, else the organiser's committee."""
        unit = self.organiser_unit
        return self.plan_issuer or unit.party_committee or unit.full_name or unit.name


class RespondentGroup(models.Model):
    """A group invited to the conference (civil servants, cell secretaries, …)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="respondent_groups")
    key = models.SlugField(_("key"), max_length=64)
    label = models.CharField(_("label"), max_length=160)
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        verbose_name = _("respondent group")
        verbose_name_plural = _("respondent groups")
        ordering = ["round", "order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "key"], name="group_key_unique_in_round"),
        ]

    def __str__(self) -> str:
        return self.label


class Conference(models.Model):
    """The ward's feedback conference in a round."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="conferences")
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("ward"), on_delete=models.PROTECT, related_name="conferences"
    )
    held_on = models.DateField(_("date"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    invited_count = models.PositiveIntegerField(_("invited"), default=0)
    present_count = models.PositiveIntegerField(_("present"), default=0)
    # The conference details the counting minutes record (``place`` is the venue).
    starts_at = models.TimeField(_("starting time"), null=True, blank=True)
    chair = models.CharField(_("chair of the conference"), max_length=128, blank=True)
    secretary = models.CharField(_("secretary of the conference"), max_length=128, blank=True)
    # Full names of the counting committee members present, the head first; one
    # signature block each on the minutes.
    committee = models.JSONField(_("counting committee present"), default=list, blank=True)

    class Meta:
        verbose_name = _("conference")
        verbose_name_plural = _("conferences")
        ordering = ["round", "unit__sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="conference_unique_per_ward"),
        ]

    def __str__(self) -> str:
        return f"{self.round} — {self.unit}"

    @property
    def participation(self) -> Decimal | None:
        """Return present / invited, or None when nobody was invited."""
        if not self.invited_count:
            return None
        return Decimal(self.present_count) / Decimal(self.invited_count)


class Subject(models.Model):
    """A leader evaluated at a conference: a position and who held it that day.

    Name and title are copied when the subject is made, so a report shows them as they were.
    """

    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="subjects")
    position = models.ForeignKey(
        "units.Position", on_delete=models.PROTECT, related_name="subjects"
    )
    person = models.ForeignKey("units.Person", on_delete=models.PROTECT, related_name="subjects")
    name = models.CharField(_("name"), max_length=128)
    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        verbose_name = _("evaluated leader")
        verbose_name_plural = _("evaluated leaders")
        ordering = ["conference", "order"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "position"], name="subject_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.title}"


class BallotBox(models.Model):
    """The box of a conference: online and paper ballots; prepared → open → closed → sealed."""

    STATE_CHOICES = [
        (BoxState.PREPARED.value, _("Prepared")),
        (BoxState.OPEN.value, _("Open")),
        (BoxState.CLOSED.value, _("Closed")),
        (BoxState.SEALED.value, _("Sealed")),
    ]

    conference = models.OneToOneField(Conference, on_delete=models.PROTECT, related_name="box")
    state = models.CharField(
        _("state"), max_length=16, choices=STATE_CHOICES, default=BoxState.PREPARED.value
    )
    paper_issued = models.PositiveIntegerField(_("paper ballots issued"), null=True, blank=True)
    paper_returned = models.PositiveIntegerField(_("paper ballots returned"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    sealed_at = models.DateTimeField(_("sealed at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("ballot box")
        verbose_name_plural = _("ballot boxes")

    def __str__(self) -> str:
        return str(self.conference)

    @property
    def is_sealed(self) -> bool:
        return self.state == BoxState.SEALED.value

    @property
    def takes_attendance(self) -> bool:
        """Return whether attendance may still change: not once counting began (closed, sealed)."""
        return self.state in (BoxState.PREPARED.value, BoxState.OPEN.value)


class ProposalState(models.TextChoices):
    PENDING = "pending", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    SUPERSEDED = "superseded", _("Replaced by a later proposal")


class AttendanceProposal(models.Model):
    """A change of a conference's attendance proposed once its box is open (four eyes).

    One member of the conference's committee proposes the figures; another person
    confirms them, and only then do the conference's figures change. A later proposal
    replaces a pending one.
    """

    conference = models.ForeignKey(
        Conference, on_delete=models.PROTECT, related_name="attendance_proposals"
    )
    invited = models.PositiveIntegerField(_("invited"))
    present = models.PositiveIntegerField(_("present"))
    state = models.CharField(
        _("state"), max_length=12, choices=ProposalState.choices, default=ProposalState.PENDING
    )
    proposed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    proposed_at = models.DateTimeField(_("proposed at"))
    confirmed_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("attendance proposal")
        verbose_name_plural = _("attendance proposals")
        ordering = ["-proposed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.conference}: {self.invited} / {self.present}"
