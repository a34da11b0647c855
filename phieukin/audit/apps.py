from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "phieukin.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        # Imported here, not at the top: models must be loaded before the services module.
        from phieukin.audit.services import record_event
        from phieukin.core.admin import admin_change_recorded

        admin_change_recorded.connect(record_event)
