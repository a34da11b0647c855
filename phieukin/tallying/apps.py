from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TallyingConfig(AppConfig):
    name = "phieukin.tallying"
    label = "tallying"
    verbose_name = _("Tallying")

    def ready(self) -> None:
        # Imported here: models and selectors need the app registry, which is not ready
        # when this module is imported.
        from phieukin.ballots.hooks import box_sealed, export_shown_in_tally
        from phieukin.rounds.hooks import round_published
        from phieukin.tallying.exports import within_box_tally
        from phieukin.tallying.receivers import store_published_round, store_sealed_box

        export_shown_in_tally.connect(within_box_tally)
        box_sealed.connect(store_sealed_box)
        round_published.connect(store_published_round)
