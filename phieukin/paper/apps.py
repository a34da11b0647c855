from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaperConfig(AppConfig):
    name = "phieukin.paper"
    label = "paper"
    verbose_name = _("Paper ballots")

    def ready(self) -> None:
        # Sealing and verification ask through hooks; the ballot core never imports paper.
        from phieukin.ballots.hooks import box_evidence_problems
        from phieukin.paper import selectors
        from phieukin.rounds.hooks import box_evidence_digests, box_scan_checks, box_work_waiting

        box_work_waiting.connect(selectors.paper_work_waiting)
        box_evidence_digests.connect(selectors.evidence_digests)
        box_evidence_problems.connect(selectors.evidence_problems)
        box_scan_checks.connect(selectors.scan_checks)
