"""The directory's search by trade on SQLite (accounts/search.py): an FTS5 table with external content over
`User.trade` (nothing copied twice), prefix indexes for a word's first 2, 3 and 4 letters, accents folded; triggers
keep it in step with every write of the trade, whoever writes it (a service, the admin, the bench's bulk load; a
sign-in writes `last_login` only, which fires nothing). Before it, a search read the trade of every published page
with `LIKE '%…%'`: 21 to 46 ms a search over the 20,000 published pages of the scale data set. Nothing on PostgreSQL
(its GIN index is migration 0005)."""

from django.db import migrations

from compagnons.core import sqlite_fts


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in sqlite_fts.create_statements("accounts_user_trade_fts", "accounts_user", ("trade",)):
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in sqlite_fts.drop_statements("accounts_user_trade_fts"):
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_user_trade_search_index")]
    operations = [migrations.RunPython(create, drop)]
