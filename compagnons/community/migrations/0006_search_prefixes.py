"""SQLite: the FTS5 table again, with prefix indexes for the words' first 2, 3 and 4 letters (`prefix='2 3 4'`), then
rebuilt from the posts. Without them a short word's start (« de », « fac ») merged the lists of every word it begins
(1 s for « de » at 2.2 million posts); with them it is read like a whole word. PostgreSQL: nothing (its GIN index
serves a word's start from the lexemes' order). See community/search.py."""

from django.db import migrations

TOKENIZE = "tokenize=\"unicode61 remove_diacritics 2\""
COLUMNS = "search_title, body, content='community_post', content_rowid='id'"
WITH_PREFIXES = f"CREATE VIRTUAL TABLE community_post_fts USING fts5({COLUMNS}, {TOKENIZE}, prefix='2 3 4')"
WITHOUT = f"CREATE VIRTUAL TABLE community_post_fts USING fts5({COLUMNS}, {TOKENIZE})"


def _recreate(schema_editor, create: str) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute("DROP TABLE IF EXISTS community_post_fts")
    schema_editor.execute(create)
    schema_editor.execute("INSERT INTO community_post_fts(community_post_fts) VALUES ('rebuild')")


def forwards(apps, schema_editor):
    _recreate(schema_editor, WITH_PREFIXES)


def backwards(apps, schema_editor):
    _recreate(schema_editor, WITHOUT)


class Migration(migrations.Migration):
    dependencies = [("community", "0005_merge_counts_and_sites")]
    operations = [migrations.RunPython(forwards, backwards)]
