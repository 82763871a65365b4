"""SQLite: the directory's search table (`showcase_profile_trade_fts`, migration 0005) holds the published pages of
active members, one row per page (rowid = the page's id, no longer the member's), with the member's trade and
region: a search by trade, alone or with a region (`region : "bre"`), is answered by the FTS5 index alone. It matched
the members' ids there, then looked each one up in `showcase_profile` and `accounts_user` to keep the published pages
of active members in the region: at 100,000 members « web » matched 2,500 members, « client » in Île-de-France more,
each read twice (4 ms of a 7.8 ms search). As PostgreSQL's table does (migration 0007). Triggers keep it in step: a
page published, withdrawn, given to another member or deleted; a member's trade, region or activation changed; a
member deleted. Nothing on PostgreSQL."""

from django.db import migrations

FTS = "showcase_profile_trade_fts"
# The page's row, when it is published and its member active (only constant names in these statements).
ADD_PAGE = (
    f"INSERT INTO {FTS}(rowid, trade, region) SELECT new.id, u.trade, u.region FROM accounts_user u "
    "WHERE u.id = new.member_id AND u.is_active AND new.published;"
)
REMOVE_PAGE = f"DELETE FROM {FTS} WHERE rowid = old.id;"
MEMBERS_PAGES = "(SELECT id FROM showcase_profile WHERE member_id = old.id)"
CREATE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(trade, region, "
    "tokenize=\"unicode61 remove_diacritics 2\", prefix='2 3 4')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_page_insert AFTER INSERT ON showcase_profile BEGIN {ADD_PAGE} END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_page_update AFTER UPDATE OF published, member_id ON showcase_profile "
    f"BEGIN {REMOVE_PAGE} {ADD_PAGE} END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_page_delete AFTER DELETE ON showcase_profile BEGIN {REMOVE_PAGE} END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_member_update AFTER UPDATE OF trade, region, is_active ON accounts_user "
    "WHEN old.trade IS NOT new.trade OR old.region IS NOT new.region OR old.is_active IS NOT new.is_active "
    f"BEGIN DELETE FROM {FTS} WHERE rowid IN {MEMBERS_PAGES}; INSERT INTO {FTS}(rowid, trade, region) "
    "SELECT p.id, new.trade, new.region FROM showcase_profile p "
    "WHERE p.member_id = new.id AND p.published AND new.is_active; END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_member_delete AFTER DELETE ON accounts_user "
    f"BEGIN DELETE FROM {FTS} WHERE rowid IN {MEMBERS_PAGES}; END",
    f"INSERT INTO {FTS}(rowid, trade, region) SELECT p.id, u.trade, u.region FROM showcase_profile p "  # noqa: S608
    "JOIN accounts_user u ON u.id = p.member_id WHERE p.published AND u.is_active",
]
OLD_TRIGGERS = ("page_insert", "page_update", "page_delete", "trade_update", "member_delete")
NEW_TRIGGERS = ("page_insert", "page_update", "page_delete", "member_update", "member_delete")


def _drop(schema_editor, triggers) -> None:
    for name in triggers:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {FTS}_{name}")
    schema_editor.execute(f"DROP TABLE IF EXISTS {FTS}")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        _drop(schema_editor, OLD_TRIGGERS)
        for statement in CREATE:
            schema_editor.execute(statement)


def back_to_members(apps, schema_editor):
    """Migration 0005's table: one row per published page's member, rowid = the member's id."""
    if schema_editor.connection.vendor == "sqlite":
        from importlib import import_module

        before = import_module("compagnons.showcase.migrations.0005_profile_trade_search_sqlite")
        _drop(schema_editor, NEW_TRIGGERS)
        for statement in before.CREATE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("showcase", "0007_profile_trade_search_postgres_filters")]
    operations = [migrations.RunPython(create, back_to_members)]
