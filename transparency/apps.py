from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransparencyConfig(AppConfig):
    name = "transparency"
    verbose_name = _("Transparency log")

    def ready(self) -> None:
        from elections.public.panels import register_station_panel
        from elections.signals import records_published
        from transparency.public import station_panel
        from transparency.signals import extend_soon

        records_published.connect(extend_soon, dispatch_uid="transparency.extend_soon")
        register_station_panel(station_panel)
