"""Kamailio's ``subscriber`` table in SQLite: where the emulator puts digest credentials.

``SubscriberStore`` is the emulator's ``credential_sink``: the emulator writes a row as soon as
a credential change is committed, and replaces the whole table with its credentials on start
(``replace_all``), so a credential deleted while no edge was attached is dropped. Kamailio reads
the table on every request, so the local edge authenticates exactly what the emulator holds,
without a restart.

The database runs in WAL mode with short autocommit writes: in rollback-journal mode a
writer's lock makes Kamailio's concurrent read fail, and the client sees a spurious 401.
Rows are deleted, never the file: Kamailio workers keep the inode they opened.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

from pulumi_exotel.sip.digest import ha1

__all__ = ["SubscriberStore", "ensure_schema"]

# Kamailio 5.x's own schema; auth_db refuses to start unless `version` says subscriber is 7.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS version (
    id INTEGER PRIMARY KEY NOT NULL,
    table_name VARCHAR(32) NOT NULL,
    table_version INTEGER DEFAULT 0 NOT NULL,
    CONSTRAINT version_table_name_idx UNIQUE (table_name)
);
INSERT OR IGNORE INTO version (table_name, table_version) VALUES ('version', 1);
INSERT OR IGNORE INTO version (table_name, table_version)
    VALUES ('subscriber', 7);
CREATE TABLE IF NOT EXISTS subscriber (
    id INTEGER PRIMARY KEY NOT NULL,
    username VARCHAR(64) DEFAULT '' NOT NULL,
    domain VARCHAR(64) DEFAULT '' NOT NULL,
    password VARCHAR(64) DEFAULT '' NOT NULL,
    ha1 VARCHAR(128) DEFAULT '' NOT NULL,
    ha1b VARCHAR(128) DEFAULT '' NOT NULL,
    CONSTRAINT subscriber_account_idx UNIQUE (username, domain)
);
CREATE INDEX IF NOT EXISTS subscriber_username_idx ON subscriber (username);
"""


_UPSERT = (
    "INSERT INTO subscriber (username, domain, password, ha1, ha1b) VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT (username, domain) DO UPDATE SET"
    " password = excluded.password, ha1 = excluded.ha1, ha1b = excluded.ha1b"
)


def _row(user_name: str, realm: str, password: str) -> tuple[str, str, str, str, str]:
    # ha1/ha1b are what Kamailio uses when calculate_ha1 is off; kept filled so the table is
    # valid either way.
    return (
        user_name,
        realm,
        password,
        ha1("MD5", user_name, realm, password),
        ha1("MD5", f"{user_name}@{realm}", realm, password),
    )


def _connect(db_path: Path) -> sqlite3.Connection:
    # isolation_level=None: every statement commits on its own, so no write lock is held
    # between calls while Kamailio reads.
    conn = sqlite3.connect(db_path, timeout=5.0, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA busy_timeout=5000")
    return conn


def ensure_schema(db_path: str | Path) -> Path:
    """Create the tables Kamailio expects if they are missing; idempotent. Returns the path."""
    path = Path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = _connect(path)
    try:
        conn.executescript(_SCHEMA)
    finally:
        conn.close()
    return path


class SubscriberStore:
    """Digest credentials as Kamailio ``subscriber`` rows; safe to call from many threads.

    The realm is the row's ``domain`` (``auth_db`` with ``use_domain``), i.e. the trunk's
    ``domain_name``. Two user names in one realm are both valid at once (rotation).
    """

    def __init__(self, db_path: str | Path) -> None:
        self.db_path = ensure_schema(db_path)
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = _connect(self.db_path)

    def __repr__(self) -> str:
        return f"SubscriberStore({str(self.db_path)!r})"

    def _execute(self, sql: str, params: tuple[str, ...]) -> list[tuple[str, ...]]:
        with self._lock:
            if self._conn is None:
                raise RuntimeError(f"{self!r} is closed")
            return self._conn.execute(sql, params).fetchall()

    def upsert(self, user_name: str, realm: str, password: str) -> None:
        """Create the credential, or change its password (effective on the edge's next request)."""
        self._execute(_UPSERT, _row(user_name, realm, password))

    def replace_all(self, credentials: Iterable[tuple[str, str, str]]) -> None:
        """Make the table hold exactly ``credentials`` (user name, realm, password), in one
        transaction: rows not among them are deleted, the others written."""
        rows = [_row(*credential) for credential in credentials]
        with self._lock:
            if self._conn is None:
                raise RuntimeError(f"{self!r} is closed")
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute("CREATE TEMP TABLE IF NOT EXISTS keep (username, domain)")
                conn.execute("DELETE FROM keep")
                conn.executemany("INSERT INTO keep VALUES (?, ?)", [r[:2] for r in rows])
                conn.execute(
                    "DELETE FROM subscriber WHERE (username, domain) NOT IN"
                    " (SELECT username, domain FROM keep)"
                )
                conn.executemany(_UPSERT, rows)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def credentials(self) -> list[tuple[str, str, str]]:
        """Every row as (user name, realm, password), sorted: what the edge authenticates."""
        return [
            (row[0], row[1], row[2])
            for row in self._execute(
                "SELECT username, domain, password FROM subscriber ORDER BY username, domain", ()
            )
        ]

    def delete(self, user_name: str, realm: str) -> None:
        """Remove the credential; a missing one is not an error."""
        self._execute(
            "DELETE FROM subscriber WHERE username = ? AND domain = ?", (user_name, realm)
        )

    def user_names(self, realm: str) -> list[str]:
        """The user names with a credential in ``realm``, sorted (no passwords)."""
        rows = self._execute(
            "SELECT username FROM subscriber WHERE domain = ? ORDER BY username", (realm,)
        )
        return [row[0] for row in rows]

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> SubscriberStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
