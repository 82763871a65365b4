"""The directory's search by trade on PostgreSQL (accounts/search.py): a GIN index over the French tsvector of
`User.trade`. Nothing on SQLite (its search is a plain « contains »)."""

from django.db import migrations

PG_INDEX = (
    "CREATE INDEX IF NOT EXISTS accounts_user_trade_search_idx ON accounts_user USING gin "
    "(to_tsvector('french'::regconfig, trade))"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS accounts_user_trade_search_idx")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_user_site")]
    operations = [migrations.RunPython(create, drop)]
