"""State and rules of the emulated Exotel trunk API, in SQLite; no HTTP here.

Every method takes the ``account_sid`` first and only ever sees that account's rows, so
accounts are isolated. Methods return the ``data`` object of the API response (a JSON-ready
dict) or a ``Page`` of them, and raise ``ExotelFault`` with Exotel's code, message and
description. The routes in ``routes`` only translate HTTP to these calls.

The database is a single SQLite file in WAL mode behind one lock, so the backend is safe to
share between threads and survives a restart. Child ids come from per-table AUTOINCREMENT
counters starting at different bases, so an id is never reused and an id of one kind is
never valid for another kind (a client mixing them up gets a 404, not a wrong object).

Decisions where Exotel documents nothing (field rules are in ``rules``):

=========================================  ================================================
case                                       emulator behaviour
=========================================  ================================================
duplicate trunk name                       HTTP 200, body 409/1008 "Unable to create trunk
                                           with name X" (T2025, TALQ); ``duplicate_trunk_
                                           http_409`` gives REF's real 409 and REF's text
unknown or other account's trunk_sid       404/1000 "Not Found"; ``unknown_trunk_403`` gives
                                           403/1003 (T2025)
``GET /trunks?trunk_sid=`` unknown         empty list (a filter, not a lookup)
phone number already mapped (any trunk     HTTP 200, body 409/1008 "Unable to create
of the account)                            DidTrunkMapping with TrunkSid <sid>"
same ACL ip twice on a trunk               HTTP 200, body 409/1008
same credential user_name on a trunk       HTTP 200, body 409/1008 "Unable to create
                                           credential with UserName X" (also on rename)
destination POST                           appends; the same destination twice = two rows
destination listing order                  newest first (REF's one sample); others oldest
                                           first
delete / update of a missing id            404/1000 "Not Found"
trunk delete                               cascades to mappings, ACLs, destinations,
                                           settings and (``cascade_credentials``) credentials
settings POST                              upsert by name; ``date_created`` kept
``GET /credentials?id=`` unknown           empty list
=========================================  ================================================

``credential_sink`` is the local SIP edge, kept an exact mirror of the digest credentials by
``edge_mirror.EdgeMirror``: every committed change reaches it after COMMIT, in commit order;
``replay_credentials`` replaces its whole content; a sink failure fails the API call with a
500 and marks the emulator unhealthy (see ``edge_mirror``). Passwords are kept in the database
(never returned by the API) for that.
"""

from __future__ import annotations

import ipaddress
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pulumi_exotel.emulator import rules
from pulumi_exotel.emulator.edge_mirror import CredentialSink, EdgeKey, EdgeMirror
from pulumi_exotel.emulator.errors import ExotelFault, duplicate, invalid, mandatory, not_found
from pulumi_exotel.emulator.ids import new_trunk_sid, utc_now

__all__ = ["Backend", "CredentialSink", "ExotelFault", "JsonObject", "Page"]

JsonObject = dict[str, Any]


@dataclass(frozen=True)
class Page:
    """One page of a listing and the number of rows in the whole listing."""

    items: list[JsonObject]
    total: int


_SCHEMA = """
CREATE TABLE IF NOT EXISTS trunks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    account_sid TEXT NOT NULL,
    trunk_sid TEXT NOT NULL UNIQUE,
    trunk_name TEXT NOT NULL,
    domain_name TEXT NOT NULL,
    nso_code TEXT NOT NULL,
    auth_type TEXT NOT NULL,
    date_created TEXT NOT NULL,
    date_updated TEXT NOT NULL,
    UNIQUE (account_sid, trunk_name)
);
CREATE TABLE IF NOT EXISTS phone_mappings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_sid TEXT NOT NULL,
    trunk_sid TEXT NOT NULL,
    phone_number TEXT NOT NULL,
    mode TEXT,
    date_created TEXT NOT NULL,
    date_updated TEXT NOT NULL,
    UNIQUE (account_sid, phone_number)
);
CREATE TABLE IF NOT EXISTS whitelisted_ips (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_sid TEXT NOT NULL,
    trunk_sid TEXT NOT NULL,
    ip TEXT NOT NULL,
    mask INTEGER NOT NULL,
    date_created TEXT NOT NULL,
    date_updated TEXT NOT NULL,
    UNIQUE (account_sid, trunk_sid, ip)
);
CREATE TABLE IF NOT EXISTS destination_uris (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_sid TEXT NOT NULL,
    trunk_sid TEXT NOT NULL,
    destination TEXT NOT NULL,
    priority INTEGER NOT NULL,
    weight INTEGER NOT NULL,
    date_created TEXT NOT NULL,
    date_updated TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS digest_credentials (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_sid TEXT NOT NULL,
    trunk_sid TEXT NOT NULL,
    user_name TEXT NOT NULL,
    password TEXT NOT NULL,
    friendly_name TEXT,
    realm TEXT NOT NULL,
    date_created TEXT NOT NULL,
    date_updated TEXT NOT NULL,
    edge_seq INTEGER NOT NULL DEFAULT 0,
    UNIQUE (account_sid, trunk_sid, user_name)
);
CREATE TABLE IF NOT EXISTS trunk_settings (
    account_sid TEXT NOT NULL,
    trunk_sid TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    date_created TEXT NOT NULL,
    date_updated TEXT NOT NULL,
    PRIMARY KEY (account_sid, trunk_sid, name)
);
CREATE INDEX IF NOT EXISTS phone_mappings_trunk ON phone_mappings (account_sid, trunk_sid);
CREATE INDEX IF NOT EXISTS whitelisted_ips_trunk ON whitelisted_ips (account_sid, trunk_sid);
CREATE INDEX IF NOT EXISTS destination_uris_trunk ON destination_uris (account_sid, trunk_sid);
CREATE INDEX IF NOT EXISTS digest_credentials_trunk
    ON digest_credentials (account_sid, trunk_sid);
"""

#: First id minus one of each child table; distinct ranges so kinds never share an id.
_ID_BASES = {
    "phone_mappings": 41000,
    "whitelisted_ips": 11000,
    "destination_uris": 25000,
    "digest_credentials": 33000,
}
_CHILD_TABLES = ("phone_mappings", "whitelisted_ips", "destination_uris", "digest_credentials")
_MAX_ID_DIGITS = 18  # larger numbers do not fit SQLite's INTEGER


class Backend:
    """All emulator state and rules (see the module docstring for the undocumented cases)."""

    def __init__(
        self,
        db_path: str | Path,
        *,
        cascade_credentials: bool = True,
        duplicate_trunk_http_409: bool = False,
        unknown_trunk_403: bool = False,
        credential_sink: CredentialSink | None = None,
    ) -> None:
        self.db_path = str(db_path)
        self.cascade_credentials = cascade_credentials
        self.duplicate_trunk_http_409 = duplicate_trunk_http_409
        self.unknown_trunk_403 = unknown_trunk_403
        self._edge = EdgeMirror(credential_sink)
        #: The edge keys the open write transaction changed; mirrored after its COMMIT.
        self._edge_keys: set[EdgeKey] = set()
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.db_path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode survives a crash of the process (not of the OS): enough for a twin.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        columns = {row["name"] for row in self._db.execute("PRAGMA table_info(digest_credentials)")}
        if "edge_seq" not in columns:  # a database from before the column existed
            self._db.execute(
                "ALTER TABLE digest_credentials ADD COLUMN edge_seq INTEGER NOT NULL DEFAULT 0"
            )
        with self._tx() as db:
            for table, base in _ID_BASES.items():
                db.execute(
                    "INSERT INTO sqlite_sequence (name, seq) SELECT ?, ? WHERE NOT EXISTS "
                    "(SELECT 1 FROM sqlite_sequence WHERE name = ?)",
                    (table, base, table),
                )

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @property
    def credential_sink(self) -> CredentialSink | None:
        return self._edge.sink

    @property
    def edge_problem(self) -> str | None:
        """Why the local SIP edge differs from the API (an error type), or None if it does not."""
        with self._lock:
            return self._edge.problem

    # -- plumbing -------------------------------------------------------------------------

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; the lock also serialises readers on the shared connection.

        The edge keys it changed (`_edge_changed`) reach the edge after COMMIT, before the lock
        is released, so the edge sees committed changes only, in commit order.
        """
        with self._lock:
            self._edge_keys.clear()
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                self._edge_keys.clear()
                raise
            self._db.execute("COMMIT")
            keys, self._edge_keys = self._edge_keys, set()
            if keys:
                self._edge.sync(self._db, keys)

    def _edge_changed(self, user_name: str, realm: str) -> None:
        """Note that the edge entry of (user_name, realm) may change with this transaction."""
        self._edge_keys.add(EdgeKey(user_name, realm))

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._db

    def _page(
        self,
        table: str,
        where: str,
        params: Sequence[Any],
        order: str,
        offset: int,
        page_size: int,
        to_data: Callable[[sqlite3.Row], JsonObject],
    ) -> Page:
        # Table, where and order are literals of this module, never user input.
        with self._read() as db:
            total = db.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}", params).fetchone()[0]  # noqa: S608
            rows = db.execute(
                f"SELECT * FROM {table} WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",  # noqa: S608
                (*params, page_size, offset),
            ).fetchall()
        return Page(items=[to_data(row) for row in rows], total=int(total))

    def _trunk_row(self, db: sqlite3.Connection, account_sid: str, trunk_sid: str) -> sqlite3.Row:
        row: sqlite3.Row | None = db.execute(
            "SELECT * FROM trunks WHERE account_sid = ? AND trunk_sid = ?", (account_sid, trunk_sid)
        ).fetchone()
        if row is None:
            raise rules.unknown_trunk(as_403=self.unknown_trunk_403)
        return row

    @staticmethod
    def _child_row(
        db: sqlite3.Connection, table: str, account_sid: str, trunk_sid: str, child_id: str
    ) -> sqlite3.Row:
        if not _is_row_id(child_id):
            raise not_found()
        row: sqlite3.Row | None = db.execute(
            f"SELECT * FROM {table} WHERE account_sid = ? AND trunk_sid = ? AND id = ?",  # noqa: S608
            (account_sid, trunk_sid, int(child_id)),
        ).fetchone()
        if row is None:
            raise not_found()
        return row

    # -- administration -------------------------------------------------------------------

    def reset(self) -> None:
        """Delete every object of every account (the edge forgets every credential)."""
        with self._tx() as db:
            for row in db.execute("SELECT DISTINCT user_name, realm FROM digest_credentials"):
                self._edge_changed(row["user_name"], row["realm"])
            for table in ("trunks", "trunk_settings", *_CHILD_TABLES):
                db.execute(f"DELETE FROM {table}")  # noqa: S608

    def replay_credentials(self) -> int:
        """Make the edge hold exactly the stored credentials (on start, after the edge was away):
        entries the API no longer has are dropped. Returns the number of entries."""
        with self._lock:
            return self._edge.replace(self._db)

    # -- trunks ---------------------------------------------------------------------------

    def create_trunk(
        self,
        account_sid: str,
        *,
        trunk_name: str | None,
        nso_code: str | None,
        domain_name: str | None,
    ) -> JsonObject:
        name = rules.check_trunk_name(trunk_name)
        nso = rules.check_nso_code(nso_code)
        domain = rules.check_domain_name(domain_name)
        now = utc_now()
        with self._tx() as db:
            self._refuse_duplicate_trunk_name(db, account_sid, name, except_sid=None)
            trunk_sid = new_trunk_sid()
            while db.execute("SELECT 1 FROM trunks WHERE trunk_sid = ?", (trunk_sid,)).fetchone():
                trunk_sid = new_trunk_sid()
            db.execute(
                "INSERT INTO trunks (account_sid, trunk_sid, trunk_name, domain_name, nso_code,"
                " auth_type, date_created, date_updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (account_sid, trunk_sid, name, domain, nso, "IP-WHITELIST", now, now),
            )
            return _trunk_data(self._trunk_row(db, account_sid, trunk_sid))

    def get_trunk(self, account_sid: str, trunk_sid: str) -> JsonObject:
        with self._read() as db:
            return _trunk_data(self._trunk_row(db, account_sid, trunk_sid))

    def list_trunks(
        self,
        account_sid: str,
        *,
        offset: int = 0,
        page_size: int = 50,
        trunk_sid: str | None = None,
    ) -> Page:
        where, params = "account_sid = ?", [account_sid]
        if trunk_sid is not None:
            where, params = where + " AND trunk_sid = ?", [account_sid, trunk_sid]
        return self._page("trunks", where, params, "seq", offset, page_size, _trunk_data)

    def update_trunk(
        self,
        account_sid: str,
        trunk_sid: str,
        *,
        trunk_name: str | None = None,
        auth_type: str | None = None,
        nso_code: str | None = None,
    ) -> JsonObject:
        with self._tx() as db:
            row = self._trunk_row(db, account_sid, trunk_sid)
            name = row["trunk_name"] if trunk_name is None else rules.check_trunk_name(trunk_name)
            auth = row["auth_type"] if auth_type is None else rules.check_auth_type(auth_type)
            nso = row["nso_code"] if nso_code is None else rules.check_nso_code(nso_code)
            self._refuse_duplicate_trunk_name(db, account_sid, name, except_sid=trunk_sid)
            db.execute(
                "UPDATE trunks SET trunk_name = ?, auth_type = ?, nso_code = ?, date_updated = ?"
                " WHERE trunk_sid = ?",
                (name, auth, nso, utc_now(), trunk_sid),
            )
            return _trunk_data(self._trunk_row(db, account_sid, trunk_sid))

    def delete_trunk(self, account_sid: str, trunk_sid: str) -> JsonObject:
        """Delete the trunk and its children; returns the deleted trunk."""
        with self._tx() as db:
            data = _trunk_data(self._trunk_row(db, account_sid, trunk_sid))
            key = (account_sid, trunk_sid)
            tables = ["trunk_settings", "phone_mappings", "whitelisted_ips", "destination_uris"]
            forgotten: list[sqlite3.Row] = []
            if self.cascade_credentials:
                tables.append("digest_credentials")
                forgotten = db.execute(
                    "SELECT user_name, realm FROM digest_credentials"
                    " WHERE account_sid = ? AND trunk_sid = ?",
                    key,
                ).fetchall()
            for table in tables:
                db.execute(f"DELETE FROM {table} WHERE account_sid = ? AND trunk_sid = ?", key)  # noqa: S608
            db.execute("DELETE FROM trunks WHERE account_sid = ? AND trunk_sid = ?", key)
            for row in forgotten:
                self._edge_changed(row["user_name"], row["realm"])
        return data

    def _refuse_duplicate_trunk_name(
        self, db: sqlite3.Connection, account_sid: str, name: str, *, except_sid: str | None
    ) -> None:
        existing = db.execute(
            "SELECT trunk_sid FROM trunks WHERE account_sid = ? AND trunk_name = ?",
            (account_sid, name),
        ).fetchone()
        if existing is None or existing["trunk_sid"] == except_sid:
            return
        if self.duplicate_trunk_http_409:
            raise duplicate(f"Trunk with name '{name}' already exists", http_status=409)
        raise duplicate(f"Unable to create trunk with name {name}")

    # -- phone mappings -------------------------------------------------------------------

    def create_phone_mapping(
        self, account_sid: str, trunk_sid: str, *, phone_number: str | None, mode: str | None = None
    ) -> JsonObject:
        with self._tx() as db:
            self._trunk_row(db, account_sid, trunk_sid)
            number = rules.check_phone_number(phone_number)
            checked_mode = rules.check_mode(mode, required=False)
            taken = db.execute(
                "SELECT 1 FROM phone_mappings WHERE account_sid = ? AND phone_number = ?",
                (account_sid, number),
            ).fetchone()
            if taken:
                raise duplicate(f"Unable to create DidTrunkMapping with TrunkSid {trunk_sid}")
            now = utc_now()
            cursor = db.execute(
                "INSERT INTO phone_mappings (account_sid, trunk_sid, phone_number, mode,"
                " date_created, date_updated) VALUES (?, ?, ?, ?, ?, ?)",
                (account_sid, trunk_sid, number, checked_mode, now, now),
            )
            return self._reread(db, "phone_mappings", cursor.lastrowid, _phone_mapping_data)

    def list_phone_mappings(
        self, account_sid: str, trunk_sid: str, *, offset: int = 0, page_size: int = 50
    ) -> Page:
        return self._list_children(
            "phone_mappings", account_sid, trunk_sid, offset, page_size, _phone_mapping_data
        )

    def update_phone_mapping(
        self,
        account_sid: str,
        trunk_sid: str,
        mapping_id: str,
        *,
        phone_number: str | None,
        mode: str | None,
    ) -> JsonObject:
        with self._tx() as db:
            self._trunk_row(db, account_sid, trunk_sid)
            row = self._child_row(db, "phone_mappings", account_sid, trunk_sid, mapping_id)
            number = rules.check_phone_number(phone_number)
            new_mode = rules.check_mode(mode, required=True)
            if number != row["phone_number"]:
                raise invalid("PhoneNumber does not match the mapping")
            db.execute(
                "UPDATE phone_mappings SET mode = ?, date_updated = ? WHERE id = ?",
                (new_mode, utc_now(), row["id"]),
            )
            return self._reread(db, "phone_mappings", row["id"], _phone_mapping_data)

    def delete_phone_mapping(self, account_sid: str, trunk_sid: str, mapping_id: str) -> JsonObject:
        return self._delete_child(
            "phone_mappings", account_sid, trunk_sid, mapping_id, _phone_mapping_data
        )

    def list_trunk_maps(
        self,
        account_sid: str,
        *,
        exophone: str | None,
        trunk_sid: str | None = None,
        offset: int = 0,
        page_size: int = 50,
    ) -> Page:
        """``GET /trunk-maps``: which trunk an Exophone is mapped to (flat objects, DEV)."""
        if not exophone:
            raise mandatory("Exophone is mandatory")
        where, params = "account_sid = ? AND phone_number = ?", [account_sid, exophone]
        if trunk_sid is not None:
            where, params = where + " AND trunk_sid = ?", [*params, trunk_sid]
        return self._page("phone_mappings", where, params, "id", offset, page_size, _trunk_map_data)

    # -- whitelisted IPs ------------------------------------------------------------------

    def create_whitelisted_ip(
        self, account_sid: str, trunk_sid: str, *, ip: str | None, mask: int | None = None
    ) -> JsonObject:
        with self._tx() as db:
            self._trunk_row(db, account_sid, trunk_sid)
            address = str(rules.parse_ipv4(ip))
            checked_mask = rules.check_mask(mask, required=False)
            self._refuse_duplicate_ip(db, account_sid, trunk_sid, address, except_id=None)
            now = utc_now()
            cursor = db.execute(
                "INSERT INTO whitelisted_ips (account_sid, trunk_sid, ip, mask, date_created,"
                " date_updated) VALUES (?, ?, ?, ?, ?, ?)",
                (account_sid, trunk_sid, address, checked_mask, now, now),
            )
            return self._reread(db, "whitelisted_ips", cursor.lastrowid, _whitelisted_ip_data)

    def list_whitelisted_ips(
        self, account_sid: str, trunk_sid: str, *, offset: int = 0, page_size: int = 50
    ) -> Page:
        return self._list_children(
            "whitelisted_ips", account_sid, trunk_sid, offset, page_size, _whitelisted_ip_data
        )

    def update_whitelisted_ip(
        self, account_sid: str, trunk_sid: str, acl_id: str, *, ip: str | None, mask: int | None
    ) -> JsonObject:
        with self._tx() as db:
            self._trunk_row(db, account_sid, trunk_sid)
            row = self._child_row(db, "whitelisted_ips", account_sid, trunk_sid, acl_id)
            address = str(rules.parse_ipv4(ip))
            checked_mask = rules.check_mask(mask, required=True)
            self._refuse_duplicate_ip(db, account_sid, trunk_sid, address, except_id=row["id"])
            db.execute(
                "UPDATE whitelisted_ips SET ip = ?, mask = ?, date_updated = ? WHERE id = ?",
                (address, checked_mask, utc_now(), row["id"]),
            )
            return self._reread(db, "whitelisted_ips", row["id"], _whitelisted_ip_data)

    def delete_whitelisted_ip(self, account_sid: str, trunk_sid: str, acl_id: str) -> JsonObject:
        return self._delete_child(
            "whitelisted_ips", account_sid, trunk_sid, acl_id, _whitelisted_ip_data
        )

    @staticmethod
    def _refuse_duplicate_ip(
        db: sqlite3.Connection, account_sid: str, trunk_sid: str, ip: str, *, except_id: int | None
    ) -> None:
        existing = db.execute(
            "SELECT id FROM whitelisted_ips WHERE account_sid = ? AND trunk_sid = ? AND ip = ?",
            (account_sid, trunk_sid, ip),
        ).fetchone()
        if existing is not None and existing["id"] != except_id:
            raise duplicate(f"Unable to Whitelist-ip with ip {ip}")

    # -- destination URIs -----------------------------------------------------------------

    def create_destination_uri(
        self, account_sid: str, trunk_sid: str, *, destination: str | None
    ) -> JsonObject:
        """Append one destination; a per-item problem raises the 1002 of the batch item."""
        with self._tx() as db:
            self._trunk_row(db, account_sid, trunk_sid)
            return self._insert_destination(db, account_sid, trunk_sid, destination)

    def create_destination_uris(
        self, account_sid: str, trunk_sid: str, destinations: Sequence[str | None]
    ) -> list[JsonObject | ExotelFault]:
        """The batch POST: an unknown trunk fails the request, anything else fails one item."""
        results: list[JsonObject | ExotelFault] = []
        with self._tx() as db:
            self._trunk_row(db, account_sid, trunk_sid)
            for destination in destinations:
                try:
                    results.append(
                        self._insert_destination(db, account_sid, trunk_sid, destination)
                    )
                except ExotelFault as fault:
                    results.append(fault)
        return results

    def list_destination_uris(
        self, account_sid: str, trunk_sid: str, *, offset: int = 0, page_size: int = 50
    ) -> Page:
        return self._list_children(
            "destination_uris",
            account_sid,
            trunk_sid,
            offset,
            page_size,
            _destination_data,
            order="id DESC",
        )

    def update_destination_uri(
        self,
        account_sid: str,
        trunk_sid: str,
        destination_id: str,
        *,
        priority: int | None = None,
        weight: int | None = None,
    ) -> JsonObject:
        with self._tx() as db:
            self._trunk_row(db, account_sid, trunk_sid)
            row = self._child_row(db, "destination_uris", account_sid, trunk_sid, destination_id)
            db.execute(
                "UPDATE destination_uris SET priority = ?, weight = ?, date_updated = ?"
                " WHERE id = ?",
                (
                    row["priority"] if priority is None else priority,
                    row["weight"] if weight is None else weight,
                    utc_now(),
                    row["id"],
                ),
            )
            return self._reread(db, "destination_uris", row["id"], _destination_data)

    def delete_destination_uri(
        self, account_sid: str, trunk_sid: str, destination_id: str
    ) -> JsonObject:
        return self._delete_child(
            "destination_uris", account_sid, trunk_sid, destination_id, _destination_data
        )

    def _insert_destination(
        self, db: sqlite3.Connection, account_sid: str, trunk_sid: str, destination: str | None
    ) -> JsonObject:
        parsed = rules.check_destination(destination)
        if parsed.ip is not None and not self._ip_whitelisted(
            db, account_sid, trunk_sid, parsed.ip
        ):
            raise invalid("Destination not whitelisted")
        now = utc_now()
        cursor = db.execute(
            "INSERT INTO destination_uris (account_sid, trunk_sid, destination, priority, weight,"
            " date_created, date_updated) VALUES (?, ?, ?, 0, 1, ?, ?)",
            (account_sid, trunk_sid, parsed.stored, now, now),
        )
        return self._reread(db, "destination_uris", cursor.lastrowid, _destination_data)

    @staticmethod
    def _ip_whitelisted(
        db: sqlite3.Connection, account_sid: str, trunk_sid: str, ip: ipaddress.IPv4Address
    ) -> bool:
        rows = db.execute(
            "SELECT ip, mask FROM whitelisted_ips WHERE account_sid = ? AND trunk_sid = ?",
            (account_sid, trunk_sid),
        ).fetchall()
        return any(
            ip in ipaddress.IPv4Network(f"{row['ip']}/{row['mask']}", strict=False) for row in rows
        )

    # -- digest credentials ---------------------------------------------------------------

    def create_digest_credential(
        self,
        account_sid: str,
        trunk_sid: str,
        *,
        user_name: str | None,
        password: str | None,
        friendly_name: str | None = None,
    ) -> JsonObject:
        with self._tx() as db:
            trunk = self._trunk_row(db, account_sid, trunk_sid)
            user = rules.check_user_name(user_name)
            secret = rules.check_password(password)
            label = rules.check_friendly_name(friendly_name)
            self._refuse_duplicate_user(db, account_sid, trunk_sid, user, except_id=None)
            now = utc_now()
            realm = trunk["domain_name"]
            cursor = db.execute(
                "INSERT INTO digest_credentials (account_sid, trunk_sid, user_name, password,"
                " friendly_name, realm, date_created, date_updated, edge_seq)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
                " (SELECT COALESCE(MAX(edge_seq), 0) + 1 FROM digest_credentials))",
                (account_sid, trunk_sid, user, secret, label, realm, now, now),
            )
            data = self._reread(db, "digest_credentials", cursor.lastrowid, _credential_data)
            self._edge_changed(user, realm)
        return data

    def list_digest_credentials(
        self,
        account_sid: str,
        trunk_sid: str,
        *,
        offset: int = 0,
        page_size: int = 50,
        credential_id: str | None = None,
    ) -> Page:
        self._require_trunk(account_sid, trunk_sid)
        where = "account_sid = ? AND trunk_sid = ?"
        params: list[str | int] = [account_sid, trunk_sid]
        if credential_id is not None:
            if not _is_row_id(credential_id):
                return Page(items=[], total=0)
            where, params = where + " AND id = ?", [*params, int(credential_id)]
        return self._page(
            "digest_credentials", where, params, "id", offset, page_size, _credential_data
        )

    def update_digest_credential(
        self,
        account_sid: str,
        trunk_sid: str,
        credential_id: str,
        *,
        user_name: str | None = None,
        password: str | None = None,
        friendly_name: str | None = None,
    ) -> JsonObject:
        with self._tx() as db:
            self._trunk_row(db, account_sid, trunk_sid)
            row = self._child_row(db, "digest_credentials", account_sid, trunk_sid, credential_id)
            user = row["user_name"] if user_name is None else rules.check_user_name(user_name)
            secret = row["password"] if password is None else rules.check_password(password)
            label = (
                row["friendly_name"]
                if friendly_name is None
                else rules.check_friendly_name(friendly_name)
            )
            self._refuse_duplicate_user(db, account_sid, trunk_sid, user, except_id=row["id"])
            # A label change is not the edge's; a new user name or password is (written last).
            reaches_edge = user != row["user_name"] or password is not None
            db.execute(
                "UPDATE digest_credentials SET user_name = ?, password = ?, friendly_name = ?,"
                " date_updated = ?, edge_seq = CASE WHEN ?"
                " THEN (SELECT COALESCE(MAX(edge_seq), 0) + 1 FROM digest_credentials)"
                " ELSE edge_seq END"
                " WHERE id = ?",
                (user, secret, label, utc_now(), reaches_edge, row["id"]),
            )
            data = self._reread(db, "digest_credentials", row["id"], _credential_data)
            if reaches_edge:
                self._edge_changed(row["user_name"], row["realm"])
                self._edge_changed(user, row["realm"])
        return data

    def delete_digest_credential(
        self, account_sid: str, trunk_sid: str, credential_id: str
    ) -> JsonObject:
        with self._tx() as db:
            self._trunk_row(db, account_sid, trunk_sid)
            row = self._child_row(db, "digest_credentials", account_sid, trunk_sid, credential_id)
            db.execute("DELETE FROM digest_credentials WHERE id = ?", (row["id"],))
            self._edge_changed(row["user_name"], row["realm"])
        return _credential_data(row)

    @staticmethod
    def _refuse_duplicate_user(
        db: sqlite3.Connection,
        account_sid: str,
        trunk_sid: str,
        user: str,
        *,
        except_id: int | None,
    ) -> None:
        existing = db.execute(
            "SELECT id FROM digest_credentials"
            " WHERE account_sid = ? AND trunk_sid = ? AND user_name = ?",
            (account_sid, trunk_sid, user),
        ).fetchone()
        if existing is not None and existing["id"] != except_id:
            raise duplicate(f"Unable to create credential with UserName {user}")

    # -- trunk settings -------------------------------------------------------------------

    def set_trunk_settings(
        self, account_sid: str, trunk_sid: str, settings: Sequence[tuple[str | None, str | None]]
    ) -> list[JsonObject | ExotelFault]:
        """Upsert each ``(name, value)``; a bad item fails alone (batch envelope)."""
        results: list[JsonObject | ExotelFault] = []
        with self._tx() as db:
            self._trunk_row(db, account_sid, trunk_sid)
            for raw_name, raw_value in settings:
                try:
                    name, value = rules.check_setting(raw_name, raw_value)
                except ExotelFault as fault:
                    results.append(fault)
                    continue
                now = utc_now()
                db.execute(
                    "INSERT INTO trunk_settings (account_sid, trunk_sid, name, value,"
                    " date_created, date_updated) VALUES (?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (account_sid, trunk_sid, name)"
                    " DO UPDATE SET value = excluded.value, date_updated = excluded.date_updated",
                    (account_sid, trunk_sid, name, value, now, now),
                )
                results.append(_setting_data(self._setting_row(db, account_sid, trunk_sid, name)))
        return results

    def list_trunk_settings(
        self, account_sid: str, trunk_sid: str, *, offset: int = 0, page_size: int = 50
    ) -> Page:
        return self._list_children(
            "trunk_settings",
            account_sid,
            trunk_sid,
            offset,
            page_size,
            _setting_data,
            order="date_created, name",
        )

    def delete_trunk_setting(self, account_sid: str, trunk_sid: str, name: str) -> JsonObject:
        with self._tx() as db:
            self._trunk_row(db, account_sid, trunk_sid)
            row = self._setting_row(db, account_sid, trunk_sid, name)
            db.execute(
                "DELETE FROM trunk_settings WHERE account_sid = ? AND trunk_sid = ? AND name = ?",
                (account_sid, trunk_sid, name),
            )
        return _setting_data(row)

    @staticmethod
    def _setting_row(
        db: sqlite3.Connection, account_sid: str, trunk_sid: str, name: str
    ) -> sqlite3.Row:
        row: sqlite3.Row | None = db.execute(
            "SELECT * FROM trunk_settings WHERE account_sid = ? AND trunk_sid = ? AND name = ?",
            (account_sid, trunk_sid, name),
        ).fetchone()
        if row is None:
            raise not_found()
        return row

    # -- shared -----------------------------------------------------------------------------

    def _require_trunk(self, account_sid: str, trunk_sid: str) -> None:
        with self._read() as db:
            self._trunk_row(db, account_sid, trunk_sid)

    def _list_children(
        self,
        table: str,
        account_sid: str,
        trunk_sid: str,
        offset: int,
        page_size: int,
        to_data: Callable[[sqlite3.Row], JsonObject],
        *,
        order: str = "id",
    ) -> Page:
        self._require_trunk(account_sid, trunk_sid)
        where = "account_sid = ? AND trunk_sid = ?"
        return self._page(table, where, (account_sid, trunk_sid), order, offset, page_size, to_data)

    @staticmethod
    def _reread(
        db: sqlite3.Connection,
        table: str,
        row_id: int | None,
        to_data: Callable[[sqlite3.Row], JsonObject],
    ) -> JsonObject:
        """A row this transaction just wrote, as API data."""
        row = db.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).fetchone()  # noqa: S608
        return to_data(row)

    def _delete_child(
        self,
        table: str,
        account_sid: str,
        trunk_sid: str,
        child_id: str,
        to_data: Callable[[sqlite3.Row], JsonObject],
    ) -> JsonObject:
        with self._tx() as db:
            self._trunk_row(db, account_sid, trunk_sid)
            row = self._child_row(db, table, account_sid, trunk_sid, child_id)
            db.execute(f"DELETE FROM {table} WHERE id = ?", (row["id"],))  # noqa: S608
        return to_data(row)


def _is_row_id(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= _MAX_ID_DIGITS


# -- row -> API data ----------------------------------------------------------------------


def _trunk_data(row: sqlite3.Row) -> JsonObject:
    base = f"/v2/accounts/{row['account_sid']}/trunks/{row['trunk_sid']}"
    return {
        "trunk_sid": row["trunk_sid"],
        "trunk_name": row["trunk_name"],
        "domain_name": row["domain_name"],
        "nso_code": row["nso_code"],
        "status": "active",
        "auth_type": row["auth_type"],
        "registration_enabled": "disabled",
        "secure_trunking": "disabled",
        "edge_preference": "auto",
        "date_created": row["date_created"],
        "date_updated": row["date_updated"],
        "destination_uris": f"{base}/destination-uris",
        "whitelisted_ips": f"{base}/whitelisted-ips",
        "credentials": f"{base}/credentials",
        "phone_numbers": f"{base}/phone-numbers",
    }


def _phone_mapping_data(row: sqlite3.Row) -> JsonObject:
    return {
        "id": str(row["id"]),
        "phone_number": row["phone_number"],
        "trunk_sid": row["trunk_sid"],
        "date_created": row["date_created"],
        "date_updated": row["date_updated"],
        "mode": row["mode"],
    }


def _trunk_map_data(row: sqlite3.Row) -> JsonObject:
    return {
        "exophone": row["phone_number"],
        "trunk_sid": row["trunk_sid"],
        "phone_number_id": str(row["id"]),
        "mode": row["mode"],
    }


def _whitelisted_ip_data(row: sqlite3.Row) -> JsonObject:
    return {
        "id": str(row["id"]),
        "mask": row["mask"],
        "trunk_sid": row["trunk_sid"],
        "ip": row["ip"],
        "friendly_name": None,
        "date_created": row["date_created"],
        "date_updated": row["date_updated"],
    }


def _destination_data(row: sqlite3.Row) -> JsonObject:
    return {
        "id": str(row["id"]),
        "destination": row["destination"],
        "date_created": row["date_created"],
        "date_updated": row["date_updated"],
        "type": "public",
        "priority": row["priority"],
        "weight": row["weight"],
        "trunk_sid": row["trunk_sid"],
    }


def _credential_data(row: sqlite3.Row) -> JsonObject:
    # The password column is deliberately not part of the API object.
    return {
        "id": str(row["id"]),
        "trunk_sid": row["trunk_sid"],
        "user_name": row["user_name"],
        "friendly_name": row["friendly_name"],
        "date_created": row["date_created"],
        "date_updated": row["date_updated"],
    }


def _setting_data(row: sqlite3.Row) -> JsonObject:
    return {
        "name": row["name"],
        "value": row["value"],
        "trunk_sid": row["trunk_sid"],
        "date_created": row["date_created"],
        "date_updated": row["date_updated"],
    }
