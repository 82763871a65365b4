"""SQLite: the words of the search index, one row each (`community_searchword`), filled from the index itself and
then kept by the services with each post (community/search.py). A word's start longer than the prefix indexes
(« factur », « sauvegard ») is then looked up as the whole words it begins (« facture », « facturer »), which FTS5
reads newest first and stops at the cap, instead of merging every list of those words in full: 15 to 45 ms a search at
2.2 million posts, 1 to 3 ms so. PostgreSQL: nothing (its GIN index serves a word's start from the lexemes' order)."""

from django.db import migrations

TABLE = "CREATE TABLE IF NOT EXISTS community_searchword (word TEXT PRIMARY KEY) WITHOUT ROWID"
FILL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.community_post_fts_terms USING fts5vocab(main, community_post_fts, 'row')",
    "INSERT OR IGNORE INTO community_searchword(word) SELECT term FROM temp.community_post_fts_terms",
    "DROP TABLE temp.community_post_fts_terms",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(TABLE)
    for statement in FILL:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS community_searchword")


class Migration(migrations.Migration):
    dependencies = [("community", "0006_search_prefixes")]
    operations = [migrations.RunPython(forwards, backwards)]
