"""The edge's credential store mirrors the API exactly: after commit, loudly, and on restart.

The store here is the real `SubscriberStore` (the table Kamailio reads) or a sink that can
break; the API is driven over HTTP. `tests/sip/test_edge_mirror.py` proves the same with
Kamailio answering REGISTERs.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from pulumi_exotel.edge import SubscriberStore
from pulumi_exotel.emulator.accounts import DEFAULT_ACCOUNT
from pulumi_exotel.emulator.server import EmulatorServer
from tests.conftest import account_client, create_trunk, error_of, listed, ok_data

pytestmark = pytest.mark.api

REALM = f"{DEFAULT_ACCOUNT.sid}.pstn.exotel.com"


@contextmanager
def running(db: Path, sink: object | None) -> Iterator[tuple[EmulatorServer, httpx.Client]]:
    with (
        EmulatorServer(db, credential_sink=sink) as server,  # type: ignore[arg-type]
        account_client(server) as client,
    ):
        yield server, client


class BreakableSink:
    """An edge store that fails while ``broken``; checks it is only told about committed rows."""

    def __init__(self, emulator_db: Path) -> None:
        self.emulator_db = emulator_db
        self.broken = False
        self.entries: dict[tuple[str, str], str] = {}

    def _committed(self, user_name: str) -> bool:
        # A separate connection sees only what the emulator has committed.
        with sqlite3.connect(self.emulator_db) as db:
            row = db.execute(
                "SELECT 1 FROM digest_credentials WHERE user_name = ?", (user_name,)
            ).fetchone()
        return row is not None

    def upsert(self, user_name: str, realm: str, password: str) -> None:
        if self.broken:
            raise OSError(f"disk full while writing {password}")
        assert self._committed(user_name), "told about a credential before its COMMIT"
        self.entries[(user_name, realm)] = password

    def delete(self, user_name: str, realm: str) -> None:
        if self.broken:
            raise OSError("disk full")
        assert not self._committed(user_name), "told about a delete before its COMMIT"
        self.entries.pop((user_name, realm), None)

    def replace_all(self, credentials: Sequence[tuple[str, str, str]]) -> None:
        if self.broken:
            raise OSError("disk full")
        self.entries = {(user, realm): password for user, realm, password in credentials}


def test_the_edge_hears_of_a_change_only_after_it_is_committed(tmp_path: Path) -> None:
    sink = BreakableSink(tmp_path / "e.sqlite")
    with running(tmp_path / "e.sqlite", sink) as (_, client):
        trunk = create_trunk(client, "t")
        path = f"/trunks/{trunk}/credentials"
        made = ok_data(client.post(path, json={"user_name": "ann", "password": "Ann_pass_1"}))
        ok_data(client.put(f"{path}/{made['id']}", json={"user_name": "anna"}))
        assert sink.entries == {("anna", REALM): "Ann_pass_1"}
        ok_data(client.delete(path, params={"id": made["id"]}))
        assert sink.entries == {}


def test_a_failing_edge_fails_the_call_and_the_health_until_it_is_back(tmp_path: Path) -> None:
    sink = BreakableSink(tmp_path / "e.sqlite")
    with running(tmp_path / "e.sqlite", sink) as (server, client):
        trunk = create_trunk(client, "t")
        path = f"/trunks/{trunk}/credentials"
        sink.broken = True
        failed = client.post(path, json={"user_name": "bob", "password": "Bob_pass_1"})
        assert failed.status_code == 500
        status, _envelope_code, code, description = error_of(failed)
        assert (status, code) == (500, 1050)
        assert "local SIP edge could not be updated (OSError)" in description
        assert "Bob_pass_1" not in failed.text
        # The change itself is saved, like a write whose answer was lost.
        assert [c["user_name"] for c in listed(client.get(path))] == ["bob"]
        health = httpx.get(f"{server.base_url}/_emulator/health")
        assert health.status_code == 503
        assert health.json()["status"] == "edge out of sync"
        assert health.json()["edge_error"] == "OSError"

        sink.broken = False
        ok_data(client.post(path, json={"user_name": "cy", "password": "Cy_pass_12"}))
        # The first change after the failure brought the whole store back, not only its own key.
        assert sink.entries == {("bob", REALM): "Bob_pass_1", ("cy", REALM): "Cy_pass_12"}
        assert httpx.get(f"{server.base_url}/_emulator/health").status_code == 200


def test_an_edge_that_cannot_be_provisioned_stops_the_start(tmp_path: Path) -> None:
    sink = BreakableSink(tmp_path / "e.sqlite")
    sink.broken = True
    with pytest.raises(RuntimeError, match=r"SIP edge could not be provisioned \(OSError\)"):
        EmulatorServer(tmp_path / "e.sqlite", credential_sink=sink).start()  # type: ignore[arg-type]


def test_start_replaces_what_the_edge_store_held(tmp_path: Path) -> None:
    with SubscriberStore(tmp_path / "subscribers.sqlite") as store:
        store.upsert("stale_user", REALM, "Stale_pass_1")
        with running(tmp_path / "e.sqlite", store) as (_, client):
            trunk = create_trunk(client, "t")
            ok_data(
                client.post(
                    f"/trunks/{trunk}/credentials",
                    json={"user_name": "fresh", "password": "Fresh_pass_1"},
                )
            )
            assert store.credentials() == [("fresh", REALM, "Fresh_pass_1")]


# -- the edge never holds a credential the API does not ------------------------------------


@dataclass
class Model:
    """What the test wrote: each credential's password, and the order of the writes."""

    passwords: dict[str, str] = field(default_factory=dict)  # credential id -> password
    written: dict[str, int] = field(default_factory=dict)  # credential id -> write number
    writes: int = 0

    def wrote(self, credential_id: str, password: str | None = None) -> None:
        if password is not None:
            self.passwords[credential_id] = password
        self.writes += 1
        self.written[credential_id] = self.writes


def expected_edge(client: httpx.Client, model: Model) -> list[tuple[str, str, str]]:
    """The edge the API's listings call for: per (user, realm) the credential written last."""
    latest: dict[tuple[str, str], tuple[int, str]] = {}
    for trunk in listed(client.get("/trunks")):
        path = f"/trunks/{trunk['trunk_sid']}/credentials"
        for credential in listed(client.get(path, params={"page_size": 100})):
            key = (credential["user_name"], trunk["domain_name"])
            order = model.written[credential["id"]]
            if key not in latest or latest[key][0] < order:
                latest[key] = (order, model.passwords[credential["id"]])
    return sorted((user, realm, password) for (user, realm), (_, password) in latest.items())


class Scenario:
    """Random credential traffic against one emulator database."""

    USERS = ("u1", "u2", "u3")  # few names, so the same key often lives on two trunks

    def __init__(self, rng: random.Random, client: httpx.Client, model: Model) -> None:
        self.rng, self.client, self.model = rng, client, model

    def trunks(self) -> list[str]:
        return [t["trunk_sid"] for t in listed(self.client.get("/trunks"))]

    def credentials(self) -> list[tuple[str, dict[str, str]]]:
        return [
            (sid, c)
            for sid in self.trunks()
            for c in listed(self.client.get(f"/trunks/{sid}/credentials"))
        ]

    def step(self) -> None:
        rng, client = self.rng, self.client
        trunks, credentials = self.trunks(), self.credentials()
        action = rng.choice(["trunk", "create", "create", "password", "rename", "label", "delete"])
        if action == "trunk" or not trunks:
            domain = rng.choice([REALM, "other1.pstn.exotel.com"])
            name = f"t{self.model.writes}_{rng.randrange(1000)}"
            client.post(
                "/trunks", json={"trunk_name": name, "nso_code": "ANY-ANY", "domain_name": domain}
            )
            self.model.writes += 1
        elif action == "create" or not credentials:
            sid, password = rng.choice(trunks), f"Pw_{rng.randrange(10**6)}"
            user = rng.choice(self.USERS)
            reply = client.post(
                f"/trunks/{sid}/credentials", json={"user_name": user, "password": password}
            )
            data = reply.json()["response"]["data"]
            if data is not None:  # a duplicate user on this trunk is refused (1008)
                self.model.wrote(data["id"], password)
        else:
            sid, credential = rng.choice(credentials)
            path = f"/trunks/{sid}/credentials"
            if action == "delete":
                if rng.random() < 0.3:
                    ok_data(client.delete("/trunks", params={"trunk_sid": sid}))
                else:
                    ok_data(client.delete(path, params={"id": credential["id"]}))
                return
            changes = {
                "password": {"password": f"Pw_{rng.randrange(10**6)}"},
                "rename": {"user_name": rng.choice(self.USERS)},
                "label": {"friendly_name": f"label{rng.randrange(100)}"},
            }[action]
            reply = client.put(f"{path}/{credential['id']}", json=changes)
            if reply.json()["response"]["data"] is not None and action != "label":
                self.model.wrote(credential["id"], changes.get("password"))


@pytest.mark.parametrize("seed", [1, 2])
def test_the_edge_never_holds_a_credential_the_api_does_not(tmp_path: Path, seed: int) -> None:
    rng, model, db = random.Random(seed), Model(), tmp_path / "e.sqlite"
    with SubscriberStore(tmp_path / "subscribers.sqlite") as store:
        for _round in range(2):
            with running(db, store) as (_, client):
                scenario = Scenario(rng, client, model)
                for _ in range(20):
                    scenario.step()
                    assert store.credentials() == expected_edge(client, model)
            # The emulator without the edge: changes the edge does not hear of ...
            with running(db, None) as (_, client):
                scenario = Scenario(rng, client, model)
                for _ in range(8):
                    scenario.step()
        # ... are caught up with when the edge is back.
        with running(db, store) as (_, client):
            assert store.credentials() == expected_edge(client, model)
