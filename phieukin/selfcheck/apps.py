from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelfcheckConfig(AppConfig):
    name = "phieukin.selfcheck"
    label = "selfcheck"
    verbose_name = _("Directive 24 self-check")
