"""``SubscriberStore``: Kamailio's subscriber table as the emulator's credential sink."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from pulumi_exotel.edge import SubscriberStore

pytestmark = pytest.mark.sip

REALM = "acct1.pstn.exotel.com"


def rows(db: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT username, domain, password FROM subscriber ORDER BY username, domain"
        ).fetchall()


def test_schema_is_what_kamailio_auth_db_expects(tmp_path: Path) -> None:
    SubscriberStore(tmp_path / "s.sqlite").close()
    with sqlite3.connect(tmp_path / "s.sqlite") as conn:
        versions = dict(conn.execute("SELECT table_name, table_version FROM version").fetchall())
        columns = [r[1] for r in conn.execute("PRAGMA table_info(subscriber)").fetchall()]
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert versions == {"version": 1, "subscriber": 7}
    assert columns == ["id", "username", "domain", "password", "ha1", "ha1b"]
    assert mode == "wal"


def test_opening_twice_keeps_the_rows(tmp_path: Path) -> None:
    with SubscriberStore(tmp_path / "s.sqlite") as store:
        store.upsert("alice", REALM, "pw")
    with SubscriberStore(tmp_path / "s.sqlite") as again:
        assert again.user_names(REALM) == ["alice"]


def test_upsert_changes_the_password_in_place(tmp_path: Path) -> None:
    with SubscriberStore(tmp_path / "s.sqlite") as store:
        store.upsert("alice", REALM, "first")
        store.upsert("alice", REALM, "second")
        store.upsert("alice", "acct2.pstn.exotel.com", "other-realm")
    assert rows(tmp_path / "s.sqlite") == [
        ("alice", "acct1.pstn.exotel.com", "second"),
        ("alice", "acct2.pstn.exotel.com", "other-realm"),
    ]


def test_delete_removes_one_realm_and_tolerates_missing(tmp_path: Path) -> None:
    with SubscriberStore(tmp_path / "s.sqlite") as store:
        store.upsert("alice", REALM, "pw")
        store.upsert("alice", "acct2.pstn.exotel.com", "pw")
        store.delete("alice", REALM)
        store.delete("alice", REALM)
        store.delete("never", REALM)
        assert store.user_names(REALM) == []
        assert store.user_names("acct2.pstn.exotel.com") == ["alice"]


def test_concurrent_writers_from_request_threads(tmp_path: Path) -> None:
    store = SubscriberStore(tmp_path / "s.sqlite")
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            for n in range(50):
                store.upsert(f"u{worker}_{n}", REALM, f"pw{n}")
                if n % 2:
                    store.delete(f"u{worker}_{n - 1}", REALM)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store.close()
    assert errors == []
    assert len(rows(tmp_path / "s.sqlite")) == 8 * 25


def test_repr_and_closed_use_name_no_password(tmp_path: Path) -> None:
    store = SubscriberStore(tmp_path / "s.sqlite")
    store.upsert("alice", REALM, "do-not-print-me")
    store.close()
    assert "do-not-print-me" not in repr(store)
    with pytest.raises(RuntimeError, match="closed"):
        store.upsert("bob", REALM, "pw")
