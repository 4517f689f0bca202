"""Aggregates Django has for one database only, written for both the site runs on."""

from django.db.models import Aggregate, CharField


class Joined(Aggregate):
    """The values, joined with commas, in no particular order: STRING_AGG on Postgres,
    GROUP_CONCAT on SQLite. For small sets read whole with their row (e.g. a user's devices)."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)
