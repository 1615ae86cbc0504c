"""A create the server applies after the client gave up ends, after at most one more `up`, with
exactly one object, for every kind (issue 12).

The emulator's ``late_commit`` fault holds the first POST of one kind for 3.5 s and then applies
it, while the provider's client gives up after 1 s, finds nothing, and posts again. Exotel
refuses a repeated trunk name, number, IP or user name, so for those the late write fails
silently; it appends a repeated destination, so there the first `up` leaves two entries and the
second `up` deletes the repeat (the intent journal marked the create as unsure). The stack is
tests/engine/programs/lifecycle: one object of each kind, plus an IP destination.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from pulumi_exotel.client import ExotelClient
from pulumi_exotel.config import ExotelSettings
from pulumi_exotel.emulator.server import EmulatorServer
from tests.engine.conftest import PROGRAMS
from tests.engine.harness import Workspace

pytestmark = pytest.mark.engine

CLIENT_TIMEOUT_SECONDS = 1
# The client looks the object up after its timeout and first backoff (0.5 s plus up to 0.5 s of
# jitter): by 2 s at the latest. The held POST lands 1.5 s after that, so the lookup never finds
# it, and a destination's late write is always a repeat (a margin of 0.5 s left that to a
# loaded machine's scheduling).
LATE_BY_MS = 3500

KINDS = {
    "trunk": r"/trunks$",
    "phone mapping": r"/phone-numbers$",
    "whitelisted ip": r"/whitelisted-ips$",
    "destination uri": r"/destination-uris$",
    "digest credential": r"/credentials$",
}


def _natural_keys(settings: ExotelSettings) -> Counter[tuple[str, str]]:
    keys: Counter[tuple[str, str]] = Counter()
    with ExotelClient(settings) as client:
        for trunk in client.list_trunks():
            sid = trunk.trunk_sid
            keys[("trunk", trunk.trunk_name)] += 1
            keys.update(("phone mapping", m.phone_number) for m in client.list_phone_mappings(sid))
            keys.update(("whitelisted ip", e.ip) for e in client.list_whitelisted_ips(sid))
            keys.update(
                ("destination uri", d.normalized) for d in client.list_destination_uris(sid)
            )
            keys.update(
                ("digest credential", c.user_name) for c in client.list_digest_credentials(sid)
            )
    return keys


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_late_write_leaves_exactly_one_object(
    kind: str,
    workspace: Callable[..., Workspace],
    emulator: EmulatorServer,
    emulator_control: httpx.Client,
    emulator_settings: ExotelSettings,
    tmp_path: Path,
) -> None:
    ws = workspace(
        PROGRAMS / "lifecycle",
        config={
            "exotel:timeoutSeconds": str(CLIENT_TIMEOUT_SECONDS),
            "exotel:rateLimitStore": f"sqlite:///{tmp_path}/store.sqlite",
        },
    )
    emulator_control.post(
        "/faults",
        json={
            "kind": "late_commit",
            "method": "POST",
            "path_regex": KINDS[kind],
            "delay_ms": LATE_BY_MS,
            "count": 1,
        },
    ).raise_for_status()

    ws.up()
    time.sleep(LATE_BY_MS / 1000 + 1)  # the held POST is applied by now
    fired = [e for e in emulator_control.get("/stats").json()["log"] if e["fault"]]
    assert [e["method"] for e in fired] == ["POST"], fired
    before = _natural_keys(emulator_settings)

    ws.up()  # the one more `up`
    after = _natural_keys(emulator_settings)

    assert all(n == 1 for n in after.values()), f"{kind}: duplicates {after}"
    assert sum(n for (k, _), n in after.items() if k == kind) == (
        2 if kind == "destination uri" else 1
    )  # the lifecycle program has two destinations (FQDN and IP), one of each other kind
    if kind == "destination uri":
        assert max(before.values()) == 2, "the late write did not add a repeat to clean up"
    assert sum(after.values()) == len(ws.resources())  # nothing beyond what state holds
    preview = ws.preview("--expect-no-changes")
    assert preview.returncode == 0
