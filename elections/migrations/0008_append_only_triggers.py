"""The database refuses what the services refuse: settled results and histories are final.

Triggers on SQLite and Postgres, so that neither a bug nor a shell (`manage.py shell`, psql
with the application's role) can rewrite them:
- published records, protocol events, station reports and election status changes are
  append-only: no UPDATE, no DELETE;
- an accepted, superseded or rejected protocol version keeps every value it was decided with;
  its only move is accepted → superseded (and no longer current) when a correction is approved,
  so only while a correction of it awaits approval: alone, the move would drop a station's
  result from the totals with no new version to show for it;
- the entries and agreed votes of such a version are neither added, changed nor deleted.
Whoever can drop a trigger can still rewrite a row: `verify_results` stays the check of last
resort, and the hash chain shows what was changed.
"""

from django.db import migrations

APPEND_ONLY = [
    "elections_publication",
    "elections_protocolevent",
    "elections_stationreport",
    "elections_electionstatuschange",
]
SETTLED = "('accepted', 'superseded', 'rejected')"
# Every column of a protocol version that a decision rests on (all but status, is_active,
# updated, which the one allowed move changes).
FROZEN_COLUMNS = [
    "station_id", "contest_id", "version", "cycle", "supersedes_id", "scan", "remarks",
    "reason", "legal_basis", "warnings", "flags", "explanation", "votes_fingerprint",
    "decided_by_id", "decision_comment", "proposed_by_id", "created",
    "l1_voters", "l2_received", "l3_issued", "l3a_mobile", "l3b_absentee", "l4_cancelled",
    "l5_found", "l6_invalid", "l7_valid",
]  # fmt: skip
CHILDREN = ["elections_protocolentry", "elections_protocolvote"]
# The correction whose approval supersedes a version: the service saves the old version first,
# while the new one is still awaiting approval.
CORRECTION_PENDING = (
    "EXISTS (SELECT 1 FROM elections_protocol AS correction "
    "WHERE correction.supersedes_id = OLD.id AND correction.status = 'correction')"
)


def _sqlite() -> list[str]:
    statements = []
    for table in APPEND_ONLY:
        for op in ("UPDATE", "DELETE"):
            statements.append(
                f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {op} refused'); END"
            )
    unchanged = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in FROZEN_COLUMNS)
    statements.append(
        "CREATE TRIGGER elections_protocol_settled_no_update BEFORE UPDATE ON elections_protocol "
        f"WHEN OLD.status IN {SETTLED} AND NOT ({unchanged} AND ("
        "(NEW.status IS OLD.status AND NEW.is_active IS OLD.is_active) OR "
        "(OLD.status = 'accepted' AND NEW.status = 'superseded' AND NEW.is_active = 0 "
        f"AND {CORRECTION_PENDING}))) "
        "BEGIN SELECT RAISE(ABORT, 'elections_protocol: a settled version is final'); END"
    )
    statements.append(
        "CREATE TRIGGER elections_protocol_settled_no_delete BEFORE DELETE ON elections_protocol "
        f"WHEN OLD.status IN {SETTLED} "
        "BEGIN SELECT RAISE(ABORT, 'elections_protocol: a settled version is final'); END"
    )
    for table in CHILDREN:
        for op, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")):
            statements.append(
                f"CREATE TRIGGER {table}_settled_no_{op.lower()} BEFORE {op} ON {table} "
                f"WHEN (SELECT status FROM elections_protocol WHERE id = {row}.protocol_id) "
                f"IN {SETTLED} "
                f"BEGIN SELECT RAISE(ABORT, '{table}: a settled version is final'); END"
            )
    return statements


def _postgres() -> list[str]:
    unchanged = " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in FROZEN_COLUMNS)
    refuse = "RAISE EXCEPTION '% refused on %: %', TG_OP, TG_TABLE_NAME, {why} " \
             "USING ERRCODE = 'restrict_violation';"  # fmt: skip
    statements = [
        "CREATE OR REPLACE FUNCTION saylau_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {refuse.format(why=repr('the table is append-only'))} END $$",
        "CREATE OR REPLACE FUNCTION saylau_protocol_settled() RETURNS trigger LANGUAGE plpgsql "
        f"AS $$ BEGIN IF OLD.status IN {SETTLED} AND (TG_OP = 'DELETE' OR NOT ({unchanged} AND ("
        "(NEW.status = OLD.status AND NEW.is_active = OLD.is_active) OR "
        "(OLD.status = 'accepted' AND NEW.status = 'superseded' AND NOT NEW.is_active "
        f"AND {CORRECTION_PENDING})))) THEN "
        f"{refuse.format(why=repr('a settled version is final'))} END IF; "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$",
        "CREATE OR REPLACE FUNCTION saylau_protocol_child_settled() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ DECLARE parent_status text; BEGIN "
        "SELECT status INTO parent_status FROM elections_protocol WHERE id = "
        "CASE WHEN TG_OP = 'INSERT' THEN NEW.protocol_id ELSE OLD.protocol_id END; "
        f"IF parent_status IN {SETTLED} THEN "
        f"{refuse.format(why=repr('its protocol version is settled'))} END IF; "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$",
    ]
    for table in APPEND_ONLY:
        statements.append(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION saylau_append_only()"
        )
    statements.append(
        "CREATE TRIGGER elections_protocol_settled BEFORE UPDATE OR DELETE ON elections_protocol "
        "FOR EACH ROW EXECUTE FUNCTION saylau_protocol_settled()"
    )
    for table in CHILDREN:
        statements.append(
            f"CREATE TRIGGER {table}_settled BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION saylau_protocol_child_settled()"
        )
    return statements


def _drop_sqlite() -> list[str]:
    names = [f"{t}_no_{op}" for t in APPEND_ONLY for op in ("update", "delete")]
    names += ["elections_protocol_settled_no_update", "elections_protocol_settled_no_delete"]
    names += [f"{t}_settled_no_{op}" for t in CHILDREN for op in ("insert", "update", "delete")]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in names]


def _drop_postgres() -> list[str]:
    statements = [f"DROP TRIGGER IF EXISTS {t}_append_only ON {t}" for t in APPEND_ONLY]
    statements.append("DROP TRIGGER IF EXISTS elections_protocol_settled ON elections_protocol")
    statements += [f"DROP TRIGGER IF EXISTS {t}_settled ON {t}" for t in CHILDREN]
    statements += [
        "DROP FUNCTION IF EXISTS saylau_append_only()",
        "DROP FUNCTION IF EXISTS saylau_protocol_settled()",
        "DROP FUNCTION IF EXISTS saylau_protocol_child_settled()",
    ]
    return statements


def _run(builders):
    def run(apps, schema_editor):
        build = builders.get(schema_editor.connection.vendor)
        if build is None:
            raise RuntimeError(f"no append-only triggers for {schema_editor.connection.vendor}")
        for statement in build():
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("elections", "0007_integrity_legal_basis_late_reports")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": _sqlite, "postgresql": _postgres}),
            _run({"sqlite": _drop_sqlite, "postgresql": _drop_postgres}),
        )
    ]
