"""The access log of confidential reports: every opening of a leader's report."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportFormat(models.TextChoices):
    HTML = "html", _("Web page")
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX"
    XLSX = "xlsx", "XLSX"


class ReportAccess(models.Model):
    """One opening of a leader's report (web or download), shown to the district organiser.

    A report holds no ballot, so recording who read it and when reveals nothing about
    any vote; it lets the organiser see that the confidential reports stay confidential.
    """

    round = models.ForeignKey(
        "rounds.Round", verbose_name=_("round"), on_delete=models.PROTECT, related_name="+"
    )
    subject = models.ForeignKey(
        "rounds.Subject",
        verbose_name=_("evaluated leader"),
        on_delete=models.PROTECT,
        related_name="report_accesses",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user_label = models.CharField(_("user"), max_length=160)
    format = models.CharField(_("format"), max_length=8, choices=ReportFormat.choices)
    draft = models.BooleanField(_("draft preview"), default=False)
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report opening")
        verbose_name_plural = _("report openings")
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_label} — {self.subject_id} — {self.format}"
