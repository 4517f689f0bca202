"""The database refuses what the services refuse: a complaint's history is append-only, and a
decided complaint keeps its decision (outcome, reasons, their hash, who and when) — its only
move left is to appealed. As for protocols (elections 0008): neither a bug nor a shell can
rewrite them without dropping a trigger first."""

from django.db import migrations

HISTORY = "complaints_complaintevent"
DECIDED = "('decided', 'appealed')"
# What a decision rests on and what the register publishes of it.
DECISION = [
    "outcome", "decision", "decision_sha256", "decided_at", "decided_by_id", "number",
    "complainant_kind", "complainant_name", "complainant_contact", "respondent", "subject",
    "claim", "level", "election_id", "station_id", "district_id", "contest_id", "protocol_id",
]
# Its one move left: decided → appealed.
STAYS = "(NEW.status = OLD.status OR (OLD.status = 'decided' AND NEW.status = 'appealed'))"


def _sqlite(decision: list[str] = DECISION) -> list[str]:
    statements = [
        f"CREATE TRIGGER {HISTORY}_no_{op.lower()} BEFORE {op} ON {HISTORY} "
        f"BEGIN SELECT RAISE(ABORT, '{HISTORY} is append-only: {op} refused'); END"
        for op in ("UPDATE", "DELETE")
    ]
    unchanged = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in decision)
    statements += [
        "CREATE TRIGGER complaints_complaint_decided_no_update BEFORE UPDATE ON "
        f"complaints_complaint WHEN OLD.status IN {DECIDED} AND NOT ({unchanged} AND {STAYS}) "
        "BEGIN SELECT RAISE(ABORT, 'complaints_complaint: a decision is final'); END",
        "CREATE TRIGGER complaints_complaint_decided_no_delete BEFORE DELETE ON "
        f"complaints_complaint WHEN OLD.status IN {DECIDED} "
        "BEGIN SELECT RAISE(ABORT, 'complaints_complaint: a decision is final'); END",
    ]
    return statements


def _postgres(decision: list[str] = DECISION) -> list[str]:
    unchanged = " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in decision)
    return [
        # Its own function, not elections 0008's saylau_append_only(): a test that drops those
        # triggers (as the database's owner could) drops that function too.
        "CREATE OR REPLACE FUNCTION saylau_complaint_history() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN RAISE EXCEPTION '% refused on %: the table is append-only', TG_OP, "
        "TG_TABLE_NAME USING ERRCODE = 'restrict_violation'; END $$",
        f"CREATE TRIGGER {HISTORY}_append_only BEFORE UPDATE OR DELETE ON {HISTORY} "
        "FOR EACH ROW EXECUTE FUNCTION saylau_complaint_history()",
        "CREATE OR REPLACE FUNCTION saylau_complaint_decided() RETURNS trigger LANGUAGE plpgsql "
        f"AS $$ BEGIN IF OLD.status IN {DECIDED} AND (TG_OP = 'DELETE' OR NOT ({unchanged} AND "
        f"{STAYS})) "
        "THEN RAISE EXCEPTION '% refused on %: a decision is final', TG_OP, TG_TABLE_NAME "
        "USING ERRCODE = 'restrict_violation'; END IF; "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$",
        "CREATE TRIGGER complaints_complaint_decided BEFORE UPDATE OR DELETE ON "
        "complaints_complaint FOR EACH ROW EXECUTE FUNCTION saylau_complaint_decided()",
    ]


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    statements = _postgres() if connection.vendor == "postgresql" else _sqlite()
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0001_initial"),
        ("elections", "0008_append_only_triggers"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
