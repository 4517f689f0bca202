from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from complaints.models import Complaint
        from complaints.public import complaint_saved, station_panel
        from elections.public.panels import register_station_panel

        register_station_panel(station_panel)
        # The station page is cached until the results change: a public complaint's change is one.
        post_save.connect(complaint_saved, sender=Complaint, dispatch_uid="complaints-public")
