"""A station stays where its results were counted: once one of its protocol versions is
settled, its region, district and number are final, on SQLite and Postgres alike.

Totals place a station's votes by its district at the time they are summed, and its published
records name it by region and number: moving it afterwards (the admin, an import, a shell) would
move votes between districts with nothing in the log to show for it. The admin shows those
fields read-only for such a station (elections/admin/stations.py); this is the database's
refusal for every other door.
"""

from django.db import migrations

SETTLED = "('accepted', 'superseded', 'rejected')"
COUNTED = (
    "EXISTS (SELECT 1 FROM elections_protocol AS p "
    f"WHERE p.station_id = OLD.id AND p.status IN {SETTLED})"
)
WHY = "stations_station: a station with settled protocols keeps its region, district and number"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        moved = "NEW.region_id IS NOT OLD.region_id OR NEW.district_id IS NOT OLD.district_id " \
                "OR NEW.number IS NOT OLD.number"  # fmt: skip
        statements = [
            "CREATE TRIGGER stations_station_stays_where_counted BEFORE UPDATE ON "
            f"stations_station WHEN ({moved}) AND {COUNTED} "
            f"BEGIN SELECT RAISE(ABORT, '{WHY}'); END"
        ]
    elif schema_editor.connection.vendor == "postgresql":
        moved = "NEW.region_id IS DISTINCT FROM OLD.region_id OR NEW.district_id IS DISTINCT " \
                "FROM OLD.district_id OR NEW.number IS DISTINCT FROM OLD.number"  # fmt: skip
        statements = [
            "CREATE OR REPLACE FUNCTION saylau_station_stays() RETURNS trigger LANGUAGE plpgsql "
            f"AS $$ BEGIN IF ({moved}) AND {COUNTED} THEN RAISE EXCEPTION '{WHY}' "
            "USING ERRCODE = 'restrict_violation'; END IF; RETURN NEW; END $$",
            "CREATE TRIGGER stations_station_stays_where_counted BEFORE UPDATE ON "
            "stations_station FOR EACH ROW EXECUTE FUNCTION saylau_station_stays()",
        ]
    else:
        raise RuntimeError(f"no station trigger for {schema_editor.connection.vendor}")
    for statement in statements:
        schema_editor.execute(statement, params=None)


def drop(apps, schema_editor):
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS stations_station_stays_where_counted"
        + (" ON stations_station" if schema_editor.connection.vendor == "postgresql" else ""),
        params=None,
    )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS saylau_station_stays()", params=None)


class Migration(migrations.Migration):
    dependencies = [("elections", "0011_verbose_names"), ("stations", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
