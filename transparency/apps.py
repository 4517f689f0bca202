from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransparencyConfig(AppConfig):
    name = "transparency"
    verbose_name = _("Transparency log")

    def ready(self) -> None:
        from django.core import checks

        from transparency.checks import signing_key

        checks.register(signing_key, deploy=False)
        from elections.public.panels import register_station_panel
        from elections.signals import archive_checking, archive_writing, records_published
        from transparency.archive import check_log_files, write_log_files
        from transparency.public import station_panel
        from transparency.signals import extend_soon

        records_published.connect(extend_soon, dispatch_uid="transparency.extend_soon")
        archive_writing.connect(write_log_files, dispatch_uid="transparency.archive")
        archive_checking.connect(check_log_files, dispatch_uid="transparency.archive")
        register_station_panel(station_panel)
