from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TallyingConfig(AppConfig):
    name = "phieukin.tallying"
    label = "tallying"
    verbose_name = _("Tallying")

    def ready(self) -> None:
        from phieukin.ballots.hooks import export_shown_in_tally
        from phieukin.tallying.exports import within_box_tally

        export_shown_in_tally.connect(within_box_tally)
