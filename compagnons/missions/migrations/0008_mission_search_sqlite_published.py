"""The missions' full-text search on SQLite holds only the published missions (the only ones a search shows): an
FTS5 table with its own copy of their title, context and deliverables, kept by triggers on those columns and on the
status (a mission enters the index when published, leaves it when closed, cancelled or deleted). Before it (0007) the
index held all 50,000 missions of the scale data set and a common word matched tens of thousands of rows, of which
the query then kept the 5,000 published ones' few hundred. Nothing on PostgreSQL (its GIN index is partial already,
migration 0005)."""

from django.db import migrations

from compagnons.core import sqlite_fts

FTS = "missions_mission_fts"
COLUMNS = ("title", "context", "deliverables")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in sqlite_fts.drop_statements(FTS):
            schema_editor.execute(statement)
        for statement in sqlite_fts.create_subset_statements(FTS, "missions_mission", COLUMNS, "status", "published"):
            schema_editor.execute(statement)


def back_to_every_mission(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in sqlite_fts.drop_statements(FTS):
            schema_editor.execute(statement)
        for statement in sqlite_fts.create_statements(FTS, "missions_mission", COLUMNS):
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("missions", "0007_mission_search_sqlite")]
    operations = [migrations.RunPython(create, back_to_every_mission)]
