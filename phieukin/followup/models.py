"""The follow-through of a round: the leader's response, remediation plans with their
measures and progress, yearly self-cultivation plans posted for citizens, citizen
feedback on them and the Fatherland Front's supervision notes.

Nothing here holds a ballot or a figure of a report: a measure keeps only the item's
key and text (public anyway, from the questionnaire) and what the leader wrote.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from phieukin.followup.lifecycle import PlanState


class LeaderResponse(models.Model):
    """A leader's response to their own report: what they accept, what they explain.

    Read by the leader, the district organiser and the Standing Committee; never published.
    """

    subject = models.OneToOneField(
        "rounds.Subject",
        verbose_name=_("evaluated leader"),
        on_delete=models.PROTECT,
        related_name="followup_response",
    )
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("units.Person", on_delete=models.PROTECT, related_name="+")
    accepted = models.TextField(_("what I take on board"), blank=True)
    explained = models.TextField(_("what I explain"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("leader's response")
        verbose_name_plural = _("leaders' responses")

    def __str__(self) -> str:
        return str(self.subject_id)


class PlanStateChoices(models.TextChoices):
    DRAFT = PlanState.DRAFT.value, _("Draft")
    SUBMITTED = PlanState.SUBMITTED.value, _("Submitted")
    RETURNED = PlanState.RETURNED.value, _("Returned with comments")
    APPROVED = PlanState.APPROVED.value, _("Approved")
    IN_PROGRESS = PlanState.IN_PROGRESS.value, _("In progress")
    COMPLETED = PlanState.COMPLETED.value, _("Completed")


class RemediationPlan(models.Model):
    """One version of a leader's remediation plan for one round.

    Version 1 starts from the flagged items of the report; a later version copies the
    current one with a reason and replaces it once approved (``superseded_at``).
    """

    subject = models.ForeignKey(
        "rounds.Subject",
        verbose_name=_("evaluated leader"),
        on_delete=models.PROTECT,
        related_name="remediation_plans",
    )
    round = models.ForeignKey("rounds.Round", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("units.Person", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_version"
    )
    reason = models.TextField(_("reason for the new version"), blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=PlanStateChoices.choices, default=PlanState.DRAFT
    )
    review_comment = models.TextField(_("comments of the review"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True, editable=False)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True, editable=False)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("remediation plan")
        verbose_name_plural = _("remediation plans")
        ordering = ["subject_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "version"], name="plan_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_id} v{self.version}"


class Measure(models.Model):
    """One measure (biện pháp) of a plan, usually answering one flagged item."""

    plan = models.ForeignKey(RemediationPlan, on_delete=models.CASCADE, related_name="measures")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    item_key = models.CharField(_("questionnaire item"), max_length=64, blank=True)
    item_text = models.TextField(_("shortcoming"), blank=True)
    action = models.TextField(_("measure"), blank=True)
    responsible = models.CharField(_("responsible"), max_length=200, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    expected_result = models.TextField(_("expected result"), blank=True)
    percent = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    origin = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["plan_id", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="measure_percent"),
        ]

    def __str__(self) -> str:
        return self.action[:60]


class ProgressUpdate(models.Model):
    """A progress report on a measure, optionally with one evidence file."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="updates")
    percent = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MaxValueValidator(100)]
    )
    note = models.TextField(_("note"), blank=True)
    evidence = models.FileField(_("evidence"), upload_to="followup/evidence/%Y/", blank=True)
    evidence_name = models.CharField(_("file name"), max_length=200, blank=True)
    evidence_type = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["measure_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.measure_id}: {self.percent} %"


class Area(models.TextChoices):
    IDEOLOGY = "ideology", _("Political ideology")
    ETHICS = "ethics", _("Ethics and lifestyle")
    STYLE = "style", _("Work style and manners")
    ROLE_MODEL = "role_model", _("Responsibility to set an example")
    OTHER = "other", _("Other commitments")


class CultivationPlan(models.Model):
    """A head's self-cultivation plan (kế hoạch tu dưỡng, rèn luyện, phấn đấu) for a year.

    Posted (niêm yết) to the unit's public page; after posting its text is frozen.
    """

    person = models.ForeignKey(
        "units.Person", on_delete=models.PROTECT, related_name="cultivation_plans"
    )
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    position_title = models.CharField(_("position"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    intro = models.TextField(_("introduction"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("self-cultivation plan")
        verbose_name_plural = _("self-cultivation plans")
        ordering = ["-year", "unit__sort_key", "person__sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "unit", "year"], name="cultivation_plan_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}"

    @property
    def is_posted(self) -> bool:
        return self.posted_at is not None


class Commitment(models.Model):
    """One commitment of a self-cultivation plan, grouped by area."""

    plan = models.ForeignKey(CultivationPlan, on_delete=models.CASCADE, related_name="commitments")
    area = models.CharField(_("area"), max_length=16, choices=Area.choices)
    text = models.TextField(_("commitment"))
    order = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["plan_id", "order", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class FeedbackState(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    PUBLISHED = "published", _("Approved for publication")
    REJECTED = "rejected", _("Rejected")


class CitizenFeedback(models.Model):
    """A citizen's feedback on a posted plan; public only once moderated and answered.

    Nothing about the sender is kept but the name they chose to give (optional).
    """

    plan = models.ForeignKey(CultivationPlan, on_delete=models.PROTECT, related_name="feedback")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=120, blank=True)
    body = models.TextField(_("feedback"))
    state = models.CharField(
        _("state"), max_length=16, choices=FeedbackState.choices, default=FeedbackState.PENDING
    )
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True, editable=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("citizen feedback")
        verbose_name_plural = _("citizen feedback")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def is_public(self) -> bool:
        return self.state == FeedbackState.PUBLISHED and self.answered_at is not None


class SupervisionNote(models.Model):
    """A note of the Fatherland Front (MTTQ) supervising a self-cultivation plan."""

    plan = models.ForeignKey(CultivationPlan, on_delete=models.PROTECT, related_name="notes")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("supervision note"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("supervision note")
        verbose_name_plural = _("supervision notes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]
