from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "phieukin.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        # Imported here, not at the top: the app registry must be ready before models load.
        from phieukin.audit.services import record_event  # (app registry, see above)
        from phieukin.core.events import event_recorded  # (app registry, see above)

        event_recorded.connect(record_event)
