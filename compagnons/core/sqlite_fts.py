"""SQLite's full-text search over a model's own text columns (FTS5 with external content: nothing copied twice),
kept in step by triggers on those columns, whoever writes them (a service, the admin, a bulk load). Used by the
missions' search (missions migration 0007);
PostgreSQL has GIN indexes instead. Prefix indexes for a word's first 2, 3 and 4 letters; accents folded.

Caution: on SQLite, a migration that rebuilds the content table (most `AlterField`) drops its triggers; each
search's tests check the triggers and FTS5's integrity."""

from django.db.models.expressions import RawSQL


def create_statements(fts: str, content: str, columns: tuple[str, ...]) -> list[str]:
    """The FTS5 table `fts` over `content`'s `columns`, its three triggers, then the index built from the rows."""
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    # only the callers' constant names are formatted into these statements (migrations), never anyone's input
    delete = f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old});"  # noqa: S608
    insert = f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new});"  # noqa: S608
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({cols}, content='{content}', content_rowid='id', "
        "tokenize=\"unicode61 remove_diacritics 2\", prefix='2 3 4')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {content} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {content} BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF {cols} ON {content} BEGIN {delete} {insert} END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",  # noqa: S608
    ]


def drop_statements(fts: str) -> list[str]:
    triggers = [f"DROP TRIGGER IF EXISTS {fts}_{name}" for name in ("insert", "delete", "update")]
    return [*triggers, f"DROP TABLE IF EXISTS {fts}"]


def match_expression(words: list[str]) -> str:
    """Every word, each as a word or a word's beginning (`"mot1"* "mot2"*`): quoted, a word is never an FTS5
    operator (the callers' words are \\w+, which holds no quote)."""
    return " ".join(f'"{word}"*' for word in words)


def matching_ids(fts: str, words: list[str]) -> RawSQL:
    """The ids whose text holds every word (`match_expression`)."""
    return ids_matching(fts, match_expression(words))


def ids_matching(fts: str, expression: str) -> RawSQL:
    """The ids whose text matches `expression`, which goes as a parameter (a constant table name is formatted in)."""
    return RawSQL(f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s", [expression])  # noqa: S608, S611


def create_subset_statements(fts: str, content: str, columns: tuple[str, ...], column: str, value: str) -> list[str]:
    """An FTS5 table `fts` holding only the rows of `content` whose `column` equals `value` (the published missions:
    5,000 of 50,000 at scale), with its own copy of their text, and the three triggers that put a row in when it
    comes to hold that value, take it out when it leaves it or is deleted, and index its text again when edited.
    A search then reads the index of the rows it may show, instead of matching every row and dropping most."""
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    # only the callers' constant names and value are formatted into these statements (migrations)
    insert = f"INSERT INTO {fts}(rowid, {cols}) SELECT new.id, {new} WHERE new.{column} = '{value}';"
    delete = f"DELETE FROM {fts} WHERE rowid = old.id;"  # noqa: S608
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({cols}, "
        "tokenize=\"unicode61 remove_diacritics 2\", prefix='2 3 4')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {content} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {content} WHEN old.{column} = '{value}' "
        f"BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF {column}, {cols} ON {content} "
        f"WHEN old.{column} = '{value}' OR new.{column} = '{value}' BEGIN {delete} {insert} END",
        f"INSERT INTO {fts}(rowid, {cols}) SELECT id, {cols} FROM {content} WHERE {column} = '{value}'",  # noqa: S608
    ]
