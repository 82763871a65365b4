"""The search index, on each database's own engine (see community/search.py):

- PostgreSQL: a GIN index on `Post.search_vector`, the weighted French tsvector of the thread title (A) and the
  body (B), which the services write with each post (stored, so ranking never parses a body again);
- SQLite: an FTS5 table with external content (the posts' own columns, nothing copied twice), which the services
  keep in step on every write; `rebuild` fills it from existing posts.
"""

from django.db import migrations

PG_INDEX = "CREATE INDEX IF NOT EXISTS community_post_search_idx ON community_post USING gin (search_vector)"
SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS community_post_fts USING fts5("
    "search_title, body, content='community_post', content_rowid='id', "
    "tokenize=\"unicode61 remove_diacritics 2\")"
)


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_INDEX)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_TABLE)
        schema_editor.execute("INSERT INTO community_post_fts(community_post_fts) VALUES ('rebuild')")


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS community_post_search_idx")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS community_post_fts")


class Migration(migrations.Migration):
    dependencies = [("community", "0001_forum")]
    operations = [migrations.RunPython(create, drop)]
