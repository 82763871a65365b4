"""The missions' full-text search on SQLite (missions/search.py): an FTS5 table with external content over the
missions' title, context and deliverables (nothing copied twice), prefix indexes for a word's first 2, 3 and 4
letters, accents folded; triggers keep it in step with every write of those three columns, whoever writes them (a
service, the admin, the bench's bulk load). Before it, a search was three `LIKE '%…%'` scans of the published
missions, twice (the page and its count): 17 to 57 ms a search over 5,000 published missions of the scale data set.
Nothing on PostgreSQL (its GIN index is migration 0005)."""

from django.db import migrations

TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS missions_mission_fts USING fts5("
    "title, context, deliverables, content='missions_mission', content_rowid='id', "
    "tokenize=\"unicode61 remove_diacritics 2\", prefix='2 3 4')"
)
TRIGGERS = (
    """CREATE TRIGGER IF NOT EXISTS missions_mission_fts_insert AFTER INSERT ON missions_mission BEGIN
        INSERT INTO missions_mission_fts(rowid, title, context, deliverables)
        VALUES (new.id, new.title, new.context, new.deliverables);
    END""",
    """CREATE TRIGGER IF NOT EXISTS missions_mission_fts_delete AFTER DELETE ON missions_mission BEGIN
        INSERT INTO missions_mission_fts(missions_mission_fts, rowid, title, context, deliverables)
        VALUES ('delete', old.id, old.title, old.context, old.deliverables);
    END""",
    """CREATE TRIGGER IF NOT EXISTS missions_mission_fts_update
    AFTER UPDATE OF title, context, deliverables ON missions_mission BEGIN
        INSERT INTO missions_mission_fts(missions_mission_fts, rowid, title, context, deliverables)
        VALUES ('delete', old.id, old.title, old.context, old.deliverables);
        INSERT INTO missions_mission_fts(rowid, title, context, deliverables)
        VALUES (new.id, new.title, new.context, new.deliverables);
    END""",
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(TABLE)
        for trigger in TRIGGERS:
            schema_editor.execute(trigger)
        schema_editor.execute("INSERT INTO missions_mission_fts(missions_mission_fts) VALUES ('rebuild')")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS missions_mission_fts_{name}")
        schema_editor.execute("DROP TABLE IF EXISTS missions_mission_fts")


class Migration(migrations.Migration):
    dependencies = [("missions", "0006_site_trade_order")]
    operations = [migrations.RunPython(create, drop)]
