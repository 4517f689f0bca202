from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrityConfig(AppConfig):
    name = "integrity"
    verbose_name = _("Integrity")

    def ready(self) -> None:
        from elections.public.panels import register_station_panel
        from integrity.public import station_panel

        register_station_panel(station_panel)
