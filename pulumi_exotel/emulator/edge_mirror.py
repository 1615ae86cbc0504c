"""The local SIP edge as an exact mirror of the emulator's digest credentials.

The edge (Kamailio reading `edge.subscribers.SubscriberStore`) must authenticate exactly the
credentials the API holds: it exists to prove things. Its content is a function of the
``digest_credentials`` table: one entry per (user name, realm), realm = the trunk's
``domain_name``. When two trunks with the same domain have the same user name, the entry
carries the password of the one written last (``edge_seq``), as a SIP server can hold only one.

How the emulator keeps it exact:

- A write transaction notes the (user name, realm) keys it changes. After COMMIT, still
  holding the backend's lock (so no other write interleaves), `EdgeMirror.sync` re-reads each
  key's entry from the committed table and puts or drops it at the sink. A rolled-back write
  never reaches the edge; a committed one always does, in commit order.
- `EdgeMirror.replace` makes the sink's whole content equal to the table (start, replay,
  recovery): a credential deleted while no edge was attached is dropped from it.
- A sink failure is loud. The API call that made the change answers HTTP 500 (Exotel's error
  envelope, code 1050, description "…local SIP edge could not be updated…"); the change itself
  is committed, as a write that timed out on the way back would be. Until the edge is in sync
  again, ``GET /_emulator/health`` answers 503 ``{"status": "edge out of sync"}``, and the next
  credential change (or ``POST /_emulator/reset``) first replaces the sink's whole content.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import NamedTuple, Protocol

from pulumi_exotel.emulator.errors import ExotelFault

__all__ = [
    "EDGE_OUT_OF_SYNC",
    "CredentialSink",
    "EdgeCredential",
    "EdgeKey",
    "EdgeMirror",
    "edge_out_of_sync",
]

#: What ``GET /_emulator/health`` reports while the edge differs from the API.
EDGE_OUT_OF_SYNC = "edge out of sync"


class EdgeKey(NamedTuple):
    """What identifies an entry at the edge: the digest user name and realm."""

    user_name: str
    realm: str


class EdgeCredential(NamedTuple):
    """One entry of the edge: a user name, its realm and the password it answers to."""

    user_name: str
    realm: str
    password: str


class CredentialSink(Protocol):
    """Where the edge's entries go (``edge.subscribers.SubscriberStore`` for Kamailio)."""

    def upsert(self, user_name: str, realm: str, password: str) -> None:
        """Add the entry, or change its password."""

    def delete(self, user_name: str, realm: str) -> None:
        """Drop the entry; a missing one is not an error."""

    def replace_all(self, credentials: Sequence[EdgeCredential]) -> None:
        """Make the whole content exactly ``credentials`` (one entry per key)."""


# Per key, the credential written last: highest edge_seq, then the newest row.
_ENTRIES_SQL = """
SELECT user_name, realm, password FROM (
    SELECT user_name, realm, password, id, ROW_NUMBER() OVER (
        PARTITION BY user_name, realm ORDER BY edge_seq DESC, id DESC
    ) AS rank
    FROM digest_credentials
) WHERE rank = 1 ORDER BY id
"""
_ENTRY_SQL = (
    "SELECT password FROM digest_credentials WHERE user_name = ? AND realm = ?"
    " ORDER BY edge_seq DESC, id DESC LIMIT 1"
)


def edge_out_of_sync(reason: str) -> ExotelFault:
    """The answer to an API call whose committed change did not reach the edge."""
    return ExotelFault(
        500,
        1050,
        "Internal Server Error",
        f"the change is saved, but the local SIP edge could not be updated ({reason}); "
        f"GET /_emulator/health reports '{EDGE_OUT_OF_SYNC}' until it is",
    )


def edge_entries(db: sqlite3.Connection) -> list[EdgeCredential]:
    """What the edge must hold for the committed state of ``db``."""
    return [EdgeCredential(*row) for row in db.execute(_ENTRIES_SQL).fetchall()]


class EdgeMirror:
    """Keeps one sink equal to the credentials table; see the module docstring.

    Callers hold the backend's lock around every method, after the write has committed.
    """

    def __init__(self, sink: CredentialSink | None) -> None:
        self.sink = sink
        #: Why the sink differs from the table (an exception's type name), or None if it does not.
        self.problem: str | None = None

    def sync(self, db: sqlite3.Connection, keys: Iterable[EdgeKey]) -> None:
        """Bring the entries of ``keys`` up to date (everything, if the sink is out of sync)."""
        sink = self.sink
        if sink is None:
            return
        if self.problem is not None:
            self.replace(db)
            return
        try:
            for key in sorted(set(keys)):
                row = db.execute(_ENTRY_SQL, key).fetchone()
                if row is None:
                    sink.delete(key.user_name, key.realm)
                else:
                    sink.upsert(key.user_name, key.realm, row[0])
        except Exception as exc:
            self._failed(exc)

    def replace(self, db: sqlite3.Connection) -> int:
        """Make the sink's whole content equal to the table; returns the number of entries."""
        entries = edge_entries(db)
        if self.sink is not None:
            try:
                self.sink.replace_all(entries)
            except Exception as exc:
                self._failed(exc)
            self.problem = None
        return len(entries)

    def _failed(self, exc: Exception) -> None:
        # Only the exception's type: its text might carry a password.
        self.problem = type(exc).__name__
        raise edge_out_of_sync(self.problem) from None
