"""The admin app, with Saylau's own site (config/admin.py) in place of Django's default."""

from django.contrib.admin.apps import AdminConfig


class SaylauAdminConfig(AdminConfig):
    default_site = "config.admin.SaylauAdminSite"
