from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrityConfig(AppConfig):
    name = "integrity"
    verbose_name = _("Integrity")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from elections.public.panels import register_station_panel
        from integrity.models import ProtocolCopy
        from integrity.public import station_panel

        register_station_panel(station_panel)
        # The station page is served from the public cache until the results change: a copy
        # submitted, transcribed or published changes its section.
        post_save.connect(_copy_saved, sender=ProtocolCopy, dispatch_uid="integrity.copy_saved")


def _copy_saved(sender, instance, **kwargs) -> None:
    from django.db import transaction

    from common.public_cache import results_changed

    transaction.on_commit(results_changed)
