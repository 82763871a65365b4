"""The missions' full-text search on SQLite (missions/search.py): an FTS5 table with external content over the
missions' title, context and deliverables (nothing copied twice), prefix indexes for a word's first 2, 3 and 4
letters, accents folded; triggers keep it in step with every write of those three columns, whoever writes them (a
service, the admin, the bench's bulk load). Before it, a search was three `LIKE '%…%'` scans of the published
missions, twice (the page and its count): 17 to 57 ms a search over 5,000 published missions of the scale data set.
Nothing on PostgreSQL (its GIN index is migration 0005)."""

from django.db import migrations

from compagnons.core import sqlite_fts


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        columns = ("title", "context", "deliverables")
        for statement in sqlite_fts.create_statements("missions_mission_fts", "missions_mission", columns):
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in sqlite_fts.drop_statements("missions_mission_fts"):
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("missions", "0006_site_trade_order")]
    operations = [migrations.RunPython(create, drop)]
