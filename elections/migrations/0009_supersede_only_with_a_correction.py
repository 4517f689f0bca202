"""The append-only triggers again, as 0008 now builds them: an accepted version is superseded
only while a correction of it awaits approval (a database that had 0008 gets the new rule)."""

import importlib

from django.db import migrations

TRIGGERS = importlib.import_module("elections.migrations.0008_append_only_triggers")


def reinstall(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    drop = {"sqlite": TRIGGERS._drop_sqlite, "postgresql": TRIGGERS._drop_postgres}[vendor]
    create = {"sqlite": TRIGGERS._sqlite, "postgresql": TRIGGERS._postgres}[vendor]
    for statement in [*drop(), *create()]:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("elections", "0008_append_only_triggers")]

    operations = [migrations.RunPython(reinstall, migrations.RunPython.noop)]
