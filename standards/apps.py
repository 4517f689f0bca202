from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StandardsConfig(AppConfig):
    name = "standards"
    verbose_name = _("Open data standards")

    def ready(self) -> None:
        from elections.signals import archive_writing, contests_aggregated
        from standards.snapshots import archive_members, queue_snapshot

        contests_aggregated.connect(queue_snapshot, dispatch_uid="standards.snapshot")
        archive_writing.connect(archive_members, dispatch_uid="standards.archive")
