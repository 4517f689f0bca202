from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObserversConfig(AppConfig):
    name = "observers"
    verbose_name = _("Observers")

    def ready(self) -> None:
        from elections.public.panels import register_station_panel
        from observers.public import station_panel

        register_station_panel(station_panel)
