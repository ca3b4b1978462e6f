"""Make the event table append-only: the database itself rejects UPDATE on both backends."""

from django.db import migrations

SQLITE = (
    "CREATE TRIGGER events_event_append_only BEFORE UPDATE ON events_event "
    "BEGIN SELECT RAISE(ABORT, 'events_event is append-only'); END;"
)
SQLITE_DROP = "DROP TRIGGER IF EXISTS events_event_append_only;"
POSTGRES = """
CREATE FUNCTION events_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events_event is append-only' USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER events_event_append_only BEFORE UPDATE ON events_event
    FOR EACH ROW EXECUTE FUNCTION events_event_append_only();
"""
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS events_event_append_only ON events_event;
DROP FUNCTION IF EXISTS events_event_append_only();
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_DROP)


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
