from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "phieukin.followup"
    label = "followup"
    verbose_name = _("Follow-through")

    def ready(self) -> None:
        # The leader's report (an app below this one) renders the plan's outcome through
        # its section hook; registering here keeps the import arrow pointing down.
        from phieukin.followup import hooks

        hooks.register()
