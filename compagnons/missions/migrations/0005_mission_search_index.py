"""The missions' full-text search on PostgreSQL (missions/search.py): a GIN index over the French tsvector of the
published missions' title, context and deliverables. Nothing on SQLite (its search is a plain « contains »)."""

from django.db import migrations

PG_INDEX = (
    "CREATE INDEX IF NOT EXISTS missions_mission_search_idx ON missions_mission USING gin "
    "(to_tsvector('french'::regconfig, title || ' ' || context || ' ' || deliverables)) WHERE status = 'published'"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS missions_mission_search_idx")


class Migration(migrations.Migration):
    dependencies = [("missions", "0004_mission_invited_member")]
    operations = [migrations.RunPython(create, drop)]
