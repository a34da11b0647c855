from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TallyingConfig(AppConfig):
    name = "phieukin.tallying"
    label = "tallying"
    verbose_name = _("Tallying")

    def ready(self) -> None:
        # The ballots CSV asks through a hook; the ballot core never imports tallying.
        from phieukin.ballots.hooks import box_tally_in_full
        from phieukin.tallying import selectors

        box_tally_in_full.connect(selectors.box_tally_in_full)
