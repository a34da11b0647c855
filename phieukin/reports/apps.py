from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "phieukin.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # Imported here: the job handlers import models, which need the app registry.
        from phieukin.ballots.hooks import box_sealed
        from phieukin.reports.jobs import (
            register_kinds,
            warm_after_late_seal,
            warm_published_round,
        )
        from phieukin.rounds.hooks import round_published

        register_kinds()
        # A published round's pages are built on the queue before anyone opens them.
        round_published.connect(warm_published_round)
        box_sealed.connect(warm_after_late_seal)
