"""Emulator: running it — persistence across restarts, behaviour switches, the credential sink,
and ``serve`` as the CLI runs it."""

from __future__ import annotations

import http.client
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_exotel.emulator.accounts import DEFAULT_ACCOUNT, Account
from pulumi_exotel.emulator.server import EmulatorServer
from tests.conftest import account_client, create_trunk, error_of, listed, ok_data

pytestmark = pytest.mark.api


class RecordingSink:
    """A credential sink that remembers what it was told, like the edge's subscriber table."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []
        self.subscribers: dict[tuple[str, str], str] = {}
        self.replacements = 0

    def upsert(self, user_name: str, realm: str, password: str) -> None:
        self.calls.append(("upsert", user_name, realm))
        self.subscribers[(user_name, realm)] = password

    def delete(self, user_name: str, realm: str) -> None:
        self.calls.append(("delete", user_name, realm))
        self.subscribers.pop((user_name, realm), None)

    def replace_all(self, credentials: Sequence[tuple[str, str, str]]) -> None:
        self.replacements += 1
        self.subscribers = {(user, realm): password for user, realm, password in credentials}


REALM = "demo1.pstn.exotel.com"


@contextmanager
def running(db: Path, **options: Any) -> Iterator[tuple[EmulatorServer, httpx.Client]]:
    """An emulator on ``db`` and a client for ``DEFAULT_ACCOUNT`` on it."""
    with EmulatorServer(db, **options) as server, account_client(server) as client:
        yield server, client


def test_restart_on_the_same_database_keeps_every_object(tmp_path: Path) -> None:
    db = tmp_path / "state.sqlite"
    with EmulatorServer(db) as first, account_client(first) as client:
        sid = create_trunk(client, "durable")
        base = f"/trunks/{sid}"
        ok_data(client.post(f"{base}/phone-numbers", json={"phone_number": "+919876543210"}))
        ok_data(client.post(f"{base}/whitelisted-ips", json={"ip": "44.248.146.11"}))
        client.post(
            f"{base}/destination-uris",
            json={"destinations": [{"destination": "44.248.146.11:5061"}]},
        )
        ok_data(client.post(f"{base}/credentials", json={"user_name": "u1", "password": "pw1"}))
        client.post(
            f"{base}/settings",
            json={"settings": [{"name": "trunk_external_alias", "value": "+918012345678"}]},
        )
        children = (
            "phone-numbers",
            "whitelisted-ips",
            "destination-uris",
            "credentials",
            "settings",
        )
        before = {child: listed(client.get(f"{base}/{child}")) for child in children}
        trunks_before = listed(client.get("/trunks"))

    with EmulatorServer(db) as second, account_client(second) as client:
        assert listed(client.get("/trunks")) == trunks_before
        after = {child: listed(client.get(f"{base}/{child}")) for child in children}
        assert after == before
        assert all(len(items) == 1 for items in after.values())
        # New ids keep increasing after a restart: nothing is reused.
        new_id = ok_data(
            client.post(f"{base}/credentials", json={"user_name": "u2", "password": "pw2"})
        )["id"]
        assert int(new_id) > int(before["credentials"][0]["id"])


def test_start_stop_and_base_url(tmp_path: Path) -> None:
    server = EmulatorServer(tmp_path / "s.sqlite")
    with pytest.raises(RuntimeError):
        _ = server.base_url
    server.start()
    base_url = server.base_url
    try:
        assert base_url == f"http://127.0.0.1:{server.port}"
        assert httpx.get(f"{base_url}/_emulator/health").status_code == 200
    finally:
        server.stop()
        server.stop()  # idempotent
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base_url}/_emulator/health", timeout=1)


def test_an_idle_connection_outlives_the_clients_keep_alive(
    emulator_server: EmulatorServer,
) -> None:
    """A connection httpx still holds after its 5 s keep-alive is still open on the server, so a
    request on it never meets a close the client could not see coming."""
    connection = http.client.HTTPConnection("127.0.0.1", emulator_server.port, timeout=10)
    try:
        connection.request("GET", "/_emulator/health")
        first = connection.getresponse()
        first.read()  # the whole response, however TCP split it, so the socket is reusable
        assert first.status == 200
        socket_used = connection.sock
        time.sleep(httpx.Limits().keepalive_expiry + 0.5)  # httpx's default: 5 s
        connection.request("GET", "/_emulator/health")
        second = connection.getresponse()  # RemoteDisconnected if the server closed meanwhile
        second.read()
        assert second.status == 200
        assert connection.sock is socket_used, "the second request needed a new connection"
    finally:
        connection.close()


def test_account_repr_hides_the_token() -> None:
    account = Account("acme", "key", "super_secret_token")
    assert "super_secret_token" not in repr(account)
    assert Account.parse("acme:key:tok") == Account("acme", "key", "tok")
    with pytest.raises(ValueError):
        Account.parse("acme:key")


# -- switches -------------------------------------------------------------------------------


def test_switch_duplicate_trunk_as_real_409(tmp_path: Path) -> None:
    with running(tmp_path / "s.sqlite", duplicate_trunk_http_409=True) as (_, client):
        create_trunk(client, "dup")
        body = {"trunk_name": "dup", "nso_code": "ANY-ANY", "domain_name": REALM}
        assert error_of(client.post("/trunks", json=body)) == (
            409,
            409,
            1008,
            "Trunk with name 'dup' already exists",
        )


def test_switch_unknown_trunk_as_403(tmp_path: Path) -> None:
    with running(tmp_path / "s.sqlite", unknown_trunk_403=True) as (_, client):
        response = client.get("/trunks/trmum1unknown/phone-numbers")
        assert error_of(response) == (403, 403, 1003, "Authorization failed")
        assert error_of(client.delete("/trunks", params={"trunk_sid": "trmum1x"}))[:3] == (
            403,
            403,
            1003,
        )


# -- the credential sink --------------------------------------------------------------------


def test_sink_follows_every_credential_change(tmp_path: Path) -> None:
    sink = RecordingSink()
    with running(tmp_path / "s.sqlite", credential_sink=sink) as (_, client):
        sid = create_trunk(client, "edge")
        path = f"/trunks/{sid}/credentials"
        cred = ok_data(client.post(path, json={"user_name": "alice", "password": "pw_one"}))
        assert sink.subscribers == {("alice", REALM): "pw_one"}

        client.put(f"{path}/{cred['id']}", json={"friendly_name": "label_only"})
        assert sink.calls == [("upsert", "alice", REALM)]  # a label change is not the edge's

        client.put(f"{path}/{cred['id']}", json={"password": "pw_two"})
        assert sink.subscribers == {("alice", REALM): "pw_two"}

        client.put(f"{path}/{cred['id']}", json={"user_name": "alicia"})
        assert sink.subscribers == {("alicia", REALM): "pw_two"}

        refused = client.post(path, json={"user_name": "alicia", "password": "pw_three"})
        assert error_of(refused)[2] == 1008
        assert sink.subscribers == {("alicia", REALM): "pw_two"}

        client.delete(path, params={"id": cred["id"]})
        assert sink.subscribers == {}


def test_trunk_delete_and_reset_remove_credentials_from_the_sink(tmp_path: Path) -> None:
    sink = RecordingSink()
    with running(tmp_path / "s.sqlite", credential_sink=sink) as (server, client):
        doomed = create_trunk(client, "doomed")
        kept = create_trunk(client, "kept")
        client.post(f"/trunks/{doomed}/credentials", json={"user_name": "a", "password": "p"})
        client.post(f"/trunks/{kept}/credentials", json={"user_name": "b", "password": "q"})
        ok_data(client.delete("/trunks", params={"trunk_sid": doomed}))
        assert set(sink.subscribers) == {("b", REALM)}
        httpx.post(f"{server.base_url}/_emulator/reset").raise_for_status()
        assert sink.subscribers == {}


def test_same_user_name_on_two_trunks_of_one_realm_survives_one_delete(tmp_path: Path) -> None:
    sink = RecordingSink()
    with running(tmp_path / "s.sqlite", credential_sink=sink) as (_, client):
        first, second = create_trunk(client, "first"), create_trunk(client, "second")
        one = ok_data(
            client.post(f"/trunks/{first}/credentials", json={"user_name": "u", "password": "p1"})
        )
        ok_data(
            client.post(f"/trunks/{second}/credentials", json={"user_name": "u", "password": "p2"})
        )
        client.delete(f"/trunks/{first}/credentials", params={"id": one["id"]})
        assert sink.subscribers == {("u", REALM): "p2"}


def test_without_cascade_credentials_outlive_their_trunk(tmp_path: Path) -> None:
    sink = RecordingSink()
    options = {"credential_sink": sink, "cascade_credentials": False}
    with running(tmp_path / "s.sqlite", **options) as (_, client):
        sid = create_trunk(client, "t")
        client.post(f"/trunks/{sid}/credentials", json={"user_name": "ghost", "password": "boo"})
        ok_data(client.delete("/trunks", params={"trunk_sid": sid}))
        assert sink.subscribers == {("ghost", REALM): "boo"}


def test_stored_credentials_are_replayed_into_the_sink_on_start(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    with EmulatorServer(db) as server, account_client(server) as client:
        sid = create_trunk(client, "t")
        client.post(f"/trunks/{sid}/credentials", json={"user_name": "carol", "password": "c_pass"})
    sink = RecordingSink()
    with EmulatorServer(db, credential_sink=sink):
        assert sink.subscribers == {("carol", REALM): "c_pass"}


# -- serve(), as the CLI runs it ------------------------------------------------------------


def test_serve_prints_its_address_and_stops_on_sigint(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        from pulumi_exotel.emulator.server import serve
        serve(host="127.0.0.1", port=0, db={str(tmp_path / "cli.sqlite")!r})
        """
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith(f"default account: sid={DEFAULT_ACCOUNT.sid}")
        listening = process.stdout.readline().strip()
        assert listening.startswith("listening on http://127.0.0.1:")
        base_url = listening.removeprefix("listening on ")
        response = httpx.get(
            f"{base_url}/v2/accounts/demo1/trunks", auth=("demo_api_key", "demo_api_token")
        )
        assert response.status_code == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
