"""The directory's search by trade on SQLite (accounts/search.py) reads an FTS5 table of the published pages'
members only (`showcase_profile_trade_fts`: rowid = the member's id, their trade), instead of every member's trade
(accounts migration 0006, dropped here). The directory shows published pages only; at scale 20,000 pages of 100,000
members, and « graph » matched 9,000 trades that were each looked up to keep the 1,300 published ones: 10 to 15 ms
a search. Triggers keep it in step: a page published, unpublished or deleted; a member's trade changed; a member
deleted. A page's own writes that change neither its publication nor its member fire nothing. Prefix indexes for a
word's first 2, 3 and 4 letters, accents folded, as before. Nothing on PostgreSQL (its GIN index over the trades is
accounts migration 0005)."""

from django.db import migrations

from compagnons.core import sqlite_fts

FTS = "showcase_profile_trade_fts"
# The member's trade, when their page is published (only constant names in these statements).
ADD_MEMBER = f"INSERT INTO {FTS}(rowid, trade) SELECT id, trade FROM accounts_user WHERE id = new.member_id;"
REMOVE_PAGE = f"DELETE FROM {FTS} WHERE rowid = old.member_id;"
CREATE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(trade, "
    "tokenize=\"unicode61 remove_diacritics 2\", prefix='2 3 4')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_page_insert AFTER INSERT ON showcase_profile WHEN new.published "
    f"BEGIN {ADD_MEMBER} END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_page_update AFTER UPDATE OF published, member_id ON showcase_profile "
    f"BEGIN {REMOVE_PAGE} INSERT INTO {FTS}(rowid, trade) SELECT id, trade FROM accounts_user "
    "WHERE id = new.member_id AND new.published; END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_page_delete AFTER DELETE ON showcase_profile BEGIN {REMOVE_PAGE} END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_trade_update AFTER UPDATE OF trade ON accounts_user "
    f"BEGIN DELETE FROM {FTS} WHERE rowid = old.id; INSERT INTO {FTS}(rowid, trade) SELECT new.id, new.trade "
    "WHERE EXISTS (SELECT 1 FROM showcase_profile WHERE member_id = new.id AND published); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_member_delete AFTER DELETE ON accounts_user "
    f"BEGIN DELETE FROM {FTS} WHERE rowid = old.id; END",
    f"INSERT INTO {FTS}(rowid, trade) SELECT u.id, u.trade FROM accounts_user u "  # noqa: S608
    "JOIN showcase_profile p ON p.member_id = u.id WHERE p.published",
]
TRIGGERS = ("page_insert", "page_update", "page_delete", "trade_update", "member_delete")
# Every member's trade, as accounts migration 0006 made it (put back when this migration is undone).
EVERY_MEMBER = "accounts_user_trade_fts"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in [*sqlite_fts.drop_statements(EVERY_MEMBER), *CREATE]:
            schema_editor.execute(statement)


def back_to_every_member(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name in TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {FTS}_{name}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS}")
        for statement in sqlite_fts.create_statements(EVERY_MEMBER, "accounts_user", ("trade",)):
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("showcase", "0004_brochure_is_a_built_file"), ("accounts", "0006_user_trade_search_sqlite")]
    operations = [migrations.RunPython(create, back_to_every_member)]
