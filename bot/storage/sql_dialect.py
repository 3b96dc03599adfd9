"""Store SQL is written once, in SQLite's dialect; this turns it into PostgreSQL's.

What is translated, in one place:

- `?` placeholders become `%s`, and a literal `%` becomes `%%` (psycopg's escaping).
- `INSERT OR IGNORE INTO ...` becomes `INSERT INTO ... ON CONFLICT DO NOTHING` (before any
  `RETURNING`).
- `column = ? COLLATE NOCASE` becomes `lower(column) = lower(%s)`.
- `LIKE` becomes `ILIKE` (SQLite's `LIKE` ignores case), `IFNULL(` becomes `COALESCE(`.
- An `INSERT` into a table with an identity `id` column gets `RETURNING id`, so callers read
  the new row's id as they read SQLite's `lastrowid`.

What cannot be translated safely is refused with `UnsupportedSql`, naming the form both engines
accept: `INSERT OR REPLACE` (write `INSERT ... ON CONFLICT (key) DO UPDATE SET ...`), other
uses of `COLLATE NOCASE` (compare `lower(...)`), `PRAGMA` and explicit `BEGIN` (use
`Database.transaction()`).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

_LITERAL = re.compile(r"('(?:[^']|'')*'|\"(?:[^\"]|\"\")*\")")
_MARK = "\x00{}\x00"
_MARKED = re.compile("\x00(\\d+)\x00")
_INSERT_OR_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
_INSERT_INTO = re.compile(r"^\s*INSERT\s+INTO\s+(\w+)", re.IGNORECASE)
_NOCASE_EQUALS = re.compile(r"(\b\w+(?:\.\w+)?)\s*=\s*\?\s+COLLATE\s+NOCASE\b", re.IGNORECASE)
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)
_ON_CONFLICT = re.compile(r"\bON\s+CONFLICT\b", re.IGNORECASE)
_LIKE = re.compile(r"\bLIKE\b", re.IGNORECASE)
_IFNULL = re.compile(r"\bIFNULL\s*\(", re.IGNORECASE)
_REFUSED = (
    (re.compile(r"^\s*(INSERT\s+OR\s+(REPLACE|ABORT|FAIL|ROLLBACK)|REPLACE\s+INTO)\b",
                re.IGNORECASE),
     "write INSERT ... ON CONFLICT (key) DO UPDATE SET ... (or DO NOTHING), which both "
     "engines accept"),
    (re.compile(r"\bCOLLATE\s+NOCASE\b", re.IGNORECASE),
     "compare lower(column) = lower(?) instead"),
    (re.compile(r"^\s*PRAGMA\b", re.IGNORECASE), "PRAGMA is SQLite's own"),
    (re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|END)\b", re.IGNORECASE),
     "use Database.transaction() instead"),
    (re.compile(r"\bAUTOINCREMENT\b", re.IGNORECASE),
     "PostgreSQL's schema lives in bot/storage/schema_postgres.py"),
)


class UnsupportedSql(ValueError):
    """A statement uses an SQLite idiom with no safe PostgreSQL translation."""


@dataclass(frozen=True)
class Statement:
    """A statement ready for psycopg."""

    sql: str
    returns_id: bool
    """True when `RETURNING id` was added to report the inserted row's id."""


class PostgresDialect:
    """Translates (and remembers the translation of) store SQL for PostgreSQL.

    Args:
        id_tables: Tables whose `id` column is an identity: inserts into them return it.
    """

    def __init__(self, id_tables: Collection[str] = ()) -> None:
        self._id_tables = frozenset(name.lower() for name in id_tables)
        self._cache: dict[tuple[str, bool], Statement] = {}

    def translate(self, sql: str, *, want_id: bool = True) -> Statement:
        """The PostgreSQL form of one SQLite statement."""
        key = (sql, want_id)
        statement = self._cache.get(key)
        if statement is None:
            statement = self._cache[key] = self._translate(sql, want_id)
        return statement

    def _translate(self, sql: str, want_id: bool) -> Statement:
        parts = _LITERAL.split(sql)
        literals = parts[1::2]
        code = "".join(part if n % 2 == 0 else _MARK.format(n // 2)
                       for n, part in enumerate(parts))
        code = _NOCASE_EQUALS.sub(r"lower(\1) = lower(?)", code)
        for pattern, advice in _REFUSED:
            if pattern.search(code):
                raise UnsupportedSql(f"not portable to PostgreSQL ({advice}): {sql.strip()}")
        code = _LIKE.sub("ILIKE", _IFNULL.sub("COALESCE(", code))
        if _INSERT_OR_IGNORE.match(code):
            if _ON_CONFLICT.search(code):
                raise UnsupportedSql(f"INSERT OR IGNORE with ON CONFLICT: {sql.strip()}")
            code = _INSERT_OR_IGNORE.sub("INSERT INTO", code, count=1)
            code = _before_returning(code, " ON CONFLICT DO NOTHING")
        returns_id = False
        insert = _INSERT_INTO.match(code)
        if (want_id and insert and insert.group(1).lower() in self._id_tables
                and not _RETURNING.search(code)):
            code = code.rstrip().rstrip(";") + " RETURNING id"
            returns_id = True
        code = code.replace("%", "%%").replace("?", "%s")
        text = _MARKED.sub(lambda m: literals[int(m.group(1))].replace("%", "%%"), code)
        return Statement(text, returns_id)


def _before_returning(code: str, clause: str) -> str:
    found = list(_RETURNING.finditer(code))
    if not found:
        return code.rstrip().rstrip(";") + clause
    at = found[-1].start()
    return code[:at].rstrip() + clause + " " + code[at:]
