"""The log's tables are append-only down to the database: no UPDATE, no DELETE of a tree node,
a checkpoint, a witness (a new key is a new witness) or a cosignature, on SQLite and Postgres,
as elections' migration 0008 does for the published records. Whoever can drop a trigger can
still rewrite a row: then the checkpoints that witnesses hold show it.
"""

from django.db import migrations

APPEND_ONLY = [
    "transparency_node",
    "transparency_checkpoint",
    "transparency_witness",
    "transparency_cosignature",
]


def _sqlite() -> list[str]:
    return [
        f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {op} refused'); END"
        for table in APPEND_ONLY
        for op in ("UPDATE", "DELETE")
    ]


def _postgres() -> list[str]:
    statements = [
        "CREATE OR REPLACE FUNCTION transparency_append_only() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '% refused on %: the table is append-only',"
        " TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation'; END $$"
    ]
    statements += [
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION transparency_append_only()"
        for table in APPEND_ONLY
    ]
    return statements


def _drop_sqlite() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_{op}"
        for table in APPEND_ONLY
        for op in ("update", "delete")
    ]


def _drop_postgres() -> list[str]:
    statements = [f"DROP TRIGGER IF EXISTS {t}_append_only ON {t}" for t in APPEND_ONLY]
    return [*statements, "DROP FUNCTION IF EXISTS transparency_append_only()"]


def _run(builders):
    def run(apps, schema_editor):
        build = builders.get(schema_editor.connection.vendor)
        if build is None:
            raise RuntimeError(f"no append-only triggers for {schema_editor.connection.vendor}")
        for statement in build():
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("transparency", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": _sqlite, "postgresql": _postgres}),
            _run({"sqlite": _drop_sqlite, "postgresql": _drop_postgres}),
        )
    ]
