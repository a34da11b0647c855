from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaperConfig(AppConfig):
    name = "phieukin.paper"
    label = "paper"
    verbose_name = _("Paper ballots")

    def ready(self) -> None:
        # Sealing asks through the ballot core's hooks, which must not import this app.
        from phieukin.ballots import hooks
        from phieukin.paper import selectors

        hooks.register_pending_work(selectors.paper_work_waiting)
        hooks.register_evidence(
            digests=selectors.evidence_digests, problems=selectors.evidence_problems
        )
