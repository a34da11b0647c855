from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GradingConfig(AppConfig):
    name = "phieukin.grading"
    label = "grading"
    verbose_name = _("Annual review and grading")
