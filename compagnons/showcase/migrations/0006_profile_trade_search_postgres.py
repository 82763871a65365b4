"""The directory's search by trade on PostgreSQL (accounts/search.py) reads a table of the published pages' members
only (`showcase_profile_trade_search`: the member's id and the French tsvector of their trade, under a GIN index),
as SQLite reads its FTS5 table of them (migration 0005), instead of the GIN index over every member's trade (accounts
migration 0005, dropped here; undoing this migration puts it back). At scale 20,000 pages of 100,000 members: « web » matched 12,436 trades whose rows were each read
again and joined to the 20,000 pages to keep 2,512 (48 ms). Triggers keep it in step: a page published, withdrawn or
deleted; a member's trade changed; a member deleted; either table truncated (the tests' flush). Nothing on SQLite."""

from django.db import migrations

TABLE = "showcase_profile_trade_search"
DOCUMENT = "to_tsvector('french'::regconfig, {trade})"
EVERY_MEMBER = (
    "CREATE INDEX IF NOT EXISTS accounts_user_trade_search_idx ON accounts_user "
    "USING gin (to_tsvector('french'::regconfig, trade))"
)
CREATE = [
    "DROP INDEX IF EXISTS accounts_user_trade_search_idx",
    f"CREATE TABLE IF NOT EXISTS {TABLE} (member_id bigint PRIMARY KEY, document tsvector NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_idx ON {TABLE} USING gin (document)",
    f"""CREATE OR REPLACE FUNCTION {TABLE}_page() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            DELETE FROM {TABLE} WHERE member_id = OLD.member_id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.published THEN
            INSERT INTO {TABLE} (member_id, document)
            SELECT u.id, {DOCUMENT.format(trade="u.trade")} FROM accounts_user u WHERE u.id = NEW.member_id
            ON CONFLICT (member_id) DO UPDATE SET document = EXCLUDED.document;
        END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION {TABLE}_member() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM {TABLE} WHERE member_id = OLD.id;
        ELSE
            UPDATE {TABLE} SET document = {DOCUMENT.format(trade="NEW.trade")} WHERE member_id = NEW.id;
        END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION {TABLE}_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE {TABLE};
        RETURN NULL;
    END $$""",
    f"CREATE TRIGGER {TABLE}_page AFTER INSERT OR DELETE OR UPDATE OF published, member_id ON showcase_profile "
    f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_page()",
    f"CREATE TRIGGER {TABLE}_member_delete AFTER DELETE ON accounts_user "
    f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_member()",
    f"CREATE TRIGGER {TABLE}_trade_update AFTER UPDATE OF trade ON accounts_user "
    f"FOR EACH ROW WHEN (OLD.trade IS DISTINCT FROM NEW.trade) EXECUTE FUNCTION {TABLE}_member()",
    f"CREATE TRIGGER {TABLE}_pages_truncate AFTER TRUNCATE ON showcase_profile "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_truncate()",
    f"CREATE TRIGGER {TABLE}_members_truncate AFTER TRUNCATE ON accounts_user "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_truncate()",
    f"INSERT INTO {TABLE} (member_id, document) SELECT u.id, {DOCUMENT.format(trade='u.trade')} "  # noqa: S608
    "FROM accounts_user u JOIN showcase_profile p ON p.member_id = u.id WHERE p.published ON CONFLICT DO NOTHING",
]
DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_page ON showcase_profile",
    f"DROP TRIGGER IF EXISTS {TABLE}_pages_truncate ON showcase_profile",
    f"DROP TRIGGER IF EXISTS {TABLE}_member_delete ON accounts_user",
    f"DROP TRIGGER IF EXISTS {TABLE}_trade_update ON accounts_user",
    f"DROP TRIGGER IF EXISTS {TABLE}_members_truncate ON accounts_user",
    f"DROP FUNCTION IF EXISTS {TABLE}_page(), {TABLE}_member(), {TABLE}_truncate()",
    f"DROP TABLE IF EXISTS {TABLE}",
    EVERY_MEMBER,
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("showcase", "0005_profile_trade_search_sqlite")]
    operations = [migrations.RunPython(create, drop)]
