from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "phieukin.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from phieukin.reports.jobs import register_kinds  # needs the app registry ready

        register_kinds()
