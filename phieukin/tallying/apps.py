from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TallyingConfig(AppConfig):
    name = "phieukin.tallying"
    label = "tallying"
    verbose_name = _("Tallying")
