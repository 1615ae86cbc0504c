"""The intent journal of creates: how a create survives its own interruption.

Pulumi keeps no partial state: a create killed after its POST reached Exotel (SIGKILL, OOM, a
closed laptop) leaves a pending operation that ``pulumi refresh --clear-pending-creates`` drops,
and the object it made would be an orphan that the next create of the same resource meets as
"already exists". So each create of a resource writes an **intent record** into the account's
journal (``client.store``: the same SQLite file or Redis as the rate budget, so it is shared
where the budget is shared) *before* its POST, and updates it after:

========== ===================================================================================
phase      meaning
========== ===================================================================================
posting    the POST is about to go out, or went out and its answer never came back
made       the POST answered with ``object_id`` (kept until the resource is next read,
           updated or deleted: only then is it certain that Pulumi's state holds the object)
========== ===================================================================================

A later create of the **same resource** (same identity: project, stack, type and name) with the
**same natural key** (trunk name, phone number, IP, destination, user name) finds the record
and takes over the object its predecessor made: by id for ``made``, by natural key for
``posting`` (if Exotel's creation date is not older than the record). Every other existing
object stays the clear "already exists ... pass adopt=True" error: without a record there is no
take-over, and a 1008 on a first attempt removes the record (the object was someone else's).

``settle`` marks a create that had an attempt with an unknown outcome on a kind where Exotel
appends repeats (destinations): the server may still apply that attempt after the client moved
on. The next ``diff`` sees the mark and asks for an update, which deletes the repeats.

Records hold no secret (ids, names and times only). The key is
``create:<Type>:<identity>:<natural key>``; the identity comes from the resource class (see
``ExotelResource``), because a Python dynamic provider never sees the resource's URN.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from pulumi_exotel.client.store import Journal

__all__ = ["IDENTITY", "MADE", "POSTING", "Intent", "made_before"]

#: The input every resource class adds: ``<project>/<stack>/<Type>/<name>``.
IDENTITY = "resource_identity"
POSTING = "posting"
MADE = "made"
#: How much older than the record an object found by natural key may be and still count as
#: made by the interrupted create (clock skew between this machine and Exotel).
CLOCK_SKEW_SECONDS = 300.0


@dataclass(frozen=True)
class Intent:
    """The journal record of one resource's create of one natural key."""

    journal: Journal
    key: str

    @classmethod
    def of(
        cls, journal: Journal, resource_class: str, props: dict[str, Any], natural: str
    ) -> Intent | None:
        """The intent of ``props``' create, or None without an identity (older programs and
        direct provider calls: those keep the plain create)."""
        identity = props.get(IDENTITY)
        if not isinstance(identity, str) or not identity:
            return None
        return cls(journal, f"create:{resource_class}:{identity}:{natural}")

    def get(self) -> dict[str, Any] | None:
        return self.journal.get(self.key)

    def posting(self) -> None:
        self.journal.record(self.key, {"phase": POSTING, "since": time.time()})

    def made(self, object_id: str, *, settle: bool = False) -> None:
        record = self.get() or {}
        self.journal.record(
            self.key,
            {
                "phase": MADE,
                "since": record.get("since", time.time()),
                "object_id": object_id,
                "settle": settle or bool(record.get("settle")),
            },
        )

    def done(self) -> None:
        self.journal.remove(self.key)

    def done_with(self, object_id: str) -> None:
        """Forget the record if it is about ``object_id`` (which Pulumi's state now holds)."""
        record = self.get()
        if record is not None and record.get("object_id") == object_id:
            self.done()


def made_before(date_created: str | None, record: dict[str, Any]) -> bool:
    """Whether an object created at ``date_created`` (Exotel's ISO-8601 UTC time) predates the
    record by more than the allowed clock skew, i.e. cannot be the interrupted create's."""
    since = record.get("since")
    if not date_created or not isinstance(since, int | float):
        return False
    try:
        created = datetime.fromisoformat(date_created.replace("Z", "+00:00"))
    except ValueError:
        return False
    if created.tzinfo is None:
        created = created.replace(tzinfo=timezone.utc)
    return created.timestamp() < since - CLOCK_SKEW_SECONDS
