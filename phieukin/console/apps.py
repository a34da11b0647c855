from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    """The top floor: dashboard, navigation and demo seeding over every domain app."""

    name = "phieukin.console"
    label = "console"
    verbose_name = _("Console")
