"""What a user reads when something is wrong, through the real CLI: one paragraph that names
the setting, field or SID to fix, no Python traceback, and never the API token.

Configuration problems fail ``pulumi preview`` (the provider's ``check``), with no request;
API-time problems fail ``pulumi up`` with the provider's message.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pulumi_exotel.client.http import CONNECT_GIVE_UP_SECONDS
from pulumi_exotel.emulator.server import Account, EmulatorServer
from tests.engine.conftest import PROGRAMS, emulator_config
from tests.engine.harness import Workspace

pytestmark = pytest.mark.engine

TOKEN_CANARY = "CanaryToken_errors_5e1d7c3b9a"
ACCOUNT = Account(sid="errors1", api_key="errors_key", api_token=TOKEN_CANARY)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    with EmulatorServer(tmp_path_factory.mktemp("errors") / "emulator.sqlite", [ACCOUNT]) as s:
        yield s


def requests_seen(server: EmulatorServer) -> int:
    total: int = httpx.get(f"{server.base_url}/_emulator/stats").json()["total"]
    return total


def project(
    pulumi_on_path: str,
    tmp_path: Path,
    config: dict[str, str],
    **program: str,
) -> Workspace:
    ws = Workspace.create(PROGRAMS / "errors", tmp_path)
    ws.config(config, secret=("exotel:apiToken",))
    ws.config({f"t:{key}": value for key, value in program.items()})
    return ws


def failure_text(proc: object) -> str:
    assert getattr(proc, "returncode", 0) != 0, "the command was expected to fail"
    text = f"{getattr(proc, 'stdout', '')}\n{getattr(proc, 'stderr', '')}"
    assert "Traceback" not in text, text
    assert TOKEN_CANARY not in text
    return text


def test_missing_api_key_fails_preview_naming_key_and_variable(
    pulumi_on_path: str, server: EmulatorServer, tmp_path: Path
) -> None:
    config = emulator_config(server)
    del config["exotel:apiKey"]
    ws = project(pulumi_on_path, tmp_path, config)
    before = requests_seen(server)
    text = failure_text(ws.preview(check=False))
    assert "exotel:apiKey" in text and "EXOTEL_API_KEY" in text
    assert requests_seen(server) == before  # judged locally: nothing was sent


def test_malformed_base_url_fails_preview_naming_the_key(
    pulumi_on_path: str, server: EmulatorServer, tmp_path: Path
) -> None:
    config = {**emulator_config(server), "exotel:baseUrl": "127.0.0.1:8765"}
    ws = project(pulumi_on_path, tmp_path, config)
    text = failure_text(ws.preview(check=False))
    assert "exotel:baseUrl" in text and "EXOTEL_BASE_URL" in text and "http://" in text


def test_unknown_trunk_sid_names_the_sid_and_the_fix(
    pulumi_on_path: str, server: EmulatorServer, tmp_path: Path
) -> None:
    sid = "trmum1deadbeef0000000000000a1n"
    ws = project(pulumi_on_path, tmp_path, emulator_config(server), case="child", trunkSid=sid)
    ws.preview()  # the SID has the right form: only Exotel can tell it does not exist
    text = failure_text(ws.run("up", "--yes", "--skip-preview", check=False))
    assert sid in text and "errors1" in text
    assert "trunk_sid=trunk.trunk_sid" in text and "pulumi refresh" in text


def test_wrong_api_key_names_every_account_setting_and_no_token(
    pulumi_on_path: str, server: EmulatorServer, tmp_path: Path
) -> None:
    config = {**emulator_config(server), "exotel:apiKey": "not_the_key"}
    ws = project(pulumi_on_path, tmp_path, config)
    text = failure_text(ws.run("up", "--yes", "--skip-preview", check=False))
    for name in ("exotel:apiKey", "exotel:apiToken", "exotel:accountSid", "exotel:subdomain"):
        assert name in text
    assert "HTTP 401" in text


def test_two_resources_with_one_destination_are_not_told_to_adopt(
    pulumi_on_path: str, server: EmulatorServer, tmp_path: Path
) -> None:
    ws = project(pulumi_on_path, tmp_path, emulator_config(server), case="duplicate")
    text = failure_text(ws.run("up", "--yes", "--skip-preview", check=False))
    assert "sip.example.com:5061;transport=tls" in text
    assert "two DestinationUri resources" in text
    assert "adopt=True" not in text
    listed = httpx.get(
        f"{server.base_url}/v2/accounts/{ACCOUNT.sid}/trunks",
        auth=(ACCOUNT.api_key, ACCOUNT.api_token),
    ).json()["response"]
    sid = next(i["data"]["trunk_sid"] for i in listed if i["data"]["trunk_name"] == "errors_trunk")
    destinations = httpx.get(
        f"{server.base_url}/v2/accounts/{ACCOUNT.sid}/trunks/{sid}/destination-uris",
        auth=(ACCOUNT.api_key, ACCOUNT.api_token),
    ).json()["response"]
    assert len(destinations) == 1  # Exotel was not given the repeat


def test_unreachable_base_url_fails_within_the_bound_naming_the_address(
    pulumi_on_path: str, server: EmulatorServer, tmp_path: Path
) -> None:
    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = {**emulator_config(server), "exotel:baseUrl": f"http://127.0.0.1:{port}"}
    ws = project(pulumi_on_path, tmp_path, config)
    start = time.monotonic()
    text = failure_text(ws.run("up", "--yes", "--skip-preview", check=False))
    elapsed = time.monotonic() - start
    assert f"127.0.0.1:{port}" in text and "exotel:baseUrl" in text
    # The provider gives up after CONNECT_GIVE_UP_SECONDS; the rest is the CLI's own start-up.
    assert elapsed < CONNECT_GIVE_UP_SECONDS + 25, elapsed
