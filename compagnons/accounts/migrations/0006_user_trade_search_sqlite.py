"""The directory's search by trade on SQLite (accounts/search.py): an FTS5 table with external content over
`User.trade` (nothing copied twice), prefix indexes for a word's first 2, 3 and 4 letters, accents folded; triggers
keep it in step with every write of the trade, whoever writes it (a service, the admin, the bench's bulk load; a
sign-in writes `last_login` only, which fires nothing). Before it, a search read the trade of every published page
with `LIKE '%…%'`: 21 to 46 ms a search over the 20,000 published pages of the scale data set. Nothing on PostgreSQL
(its GIN index is migration 0005)."""

from django.db import migrations

TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS accounts_user_trade_fts USING fts5("
    "trade, content='accounts_user', content_rowid='id', "
    "tokenize=\"unicode61 remove_diacritics 2\", prefix='2 3 4')"
)
TRIGGERS = (
    """CREATE TRIGGER IF NOT EXISTS accounts_user_trade_fts_insert AFTER INSERT ON accounts_user BEGIN
        INSERT INTO accounts_user_trade_fts(rowid, trade) VALUES (new.id, new.trade);
    END""",
    """CREATE TRIGGER IF NOT EXISTS accounts_user_trade_fts_delete AFTER DELETE ON accounts_user BEGIN
        INSERT INTO accounts_user_trade_fts(accounts_user_trade_fts, rowid, trade) VALUES ('delete', old.id, old.trade);
    END""",
    """CREATE TRIGGER IF NOT EXISTS accounts_user_trade_fts_update AFTER UPDATE OF trade ON accounts_user BEGIN
        INSERT INTO accounts_user_trade_fts(accounts_user_trade_fts, rowid, trade) VALUES ('delete', old.id, old.trade);
        INSERT INTO accounts_user_trade_fts(rowid, trade) VALUES (new.id, new.trade);
    END""",
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(TABLE)
        for trigger in TRIGGERS:
            schema_editor.execute(trigger)
        schema_editor.execute("INSERT INTO accounts_user_trade_fts(accounts_user_trade_fts) VALUES ('rebuild')")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS accounts_user_trade_fts_{name}")
        schema_editor.execute("DROP TABLE IF EXISTS accounts_user_trade_fts")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_user_trade_search_index")]
    operations = [migrations.RunPython(create, drop)]
