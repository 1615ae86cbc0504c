"""Credentials made by `pulumi up` authenticate at a real SIP edge, and rotation leaves no gap.

The emulator mirrors every digest credential into Kamailio's subscriber table, as Exotel's edge
would learn it; a background loop registers every ~20 ms with whatever credential the stand-in
platform currently holds while `pulumi up` rotates the credential.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pulumi_exotel.client import ExotelClient
from pulumi_exotel.edge.kamailio import KamailioEdge
from pulumi_exotel.edge.sipp import sipp_register
from pulumi_exotel.edge.subscribers import SubscriberStore
from pulumi_exotel.emulator.accounts import DEFAULT_ACCOUNT
from pulumi_exotel.emulator.server import EmulatorServer
from pulumi_exotel.sip import verify_credential
from tests.engine.conftest import PROGRAMS, emulator_config
from tests.engine.harness import Workspace
from tests.engine.rotation import registers_while_rotating, tried_and_rejected
from tests.tools import require_kamailio

pytestmark = [pytest.mark.engine, pytest.mark.sip]


@dataclass
class Stack:
    emulator: EmulatorServer
    edge: KamailioEdge
    tmp: Path


@pytest.fixture
def edge_stack(pulumi_on_path: str, tmp_path: Path) -> Iterator[Stack]:
    require_kamailio()
    subscribers = tmp_path / "subscribers.sqlite"
    with (
        SubscriberStore(subscribers) as store,
        KamailioEdge(tmp_path / "edge", subscribers) as edge,
        EmulatorServer(
            tmp_path / "emulator.sqlite", [DEFAULT_ACCOUNT], credential_sink=store
        ) as emulator,
    ):
        yield Stack(emulator, edge, tmp_path)


def edge_workspace(stack: Stack, project: Path) -> Workspace:
    ws = Workspace.create(project, stack.tmp / "ws")
    config = emulator_config(stack.emulator)
    config.update(
        {
            "exotel:edgeHost": stack.edge.host,
            "exotel:edgeTcpPort": str(stack.edge.tcp_port),
            "exotel:edgeTlsPort": str(stack.edge.tls_port),
            "exotel:edgeCaFile": str(stack.edge.ca_file),
        }
    )
    ws.config(config, secret=("exotel:apiToken",))
    return ws


def test_rotation_through_keepers_has_no_rejected_registration(edge_stack: Stack) -> None:
    platform_file = edge_stack.tmp / "platform.json"
    ws = edge_workspace(edge_stack, PROGRAMS / "rotation")
    ws.config({"t:platformFile": str(platform_file)})
    ws.up()
    realm = ws.outputs()["sip_realm"]
    old_user = ws.outputs()["sip_username"]
    old = json.loads(platform_file.read_text())

    def register() -> tuple[str, str]:
        held = json.loads(platform_file.read_text())
        tcp_edge = edge_stack.edge.tcp_edge
        result = verify_credential(
            tcp_edge, "tcp", realm, held["user_name"], held["password"], timeout=3.0
        )
        return held["user_name"], result.outcome

    outcomes = registers_while_rotating(ws, {"t:keepers": "2"}, register)

    new = json.loads(platform_file.read_text())
    new_user = ws.outputs()["sip_username"]
    assert new["user_name"] == new_user != old_user
    tried, _ = tried_and_rejected("stand-in platform", outcomes)
    assert tried >= 50
    assert {outcome for (_, outcome) in outcomes} == {"accepted"}, outcomes
    assert outcomes[(old_user, "accepted")] > 0 and outcomes[(new_user, "accepted")] > 0

    edge = edge_stack.edge.tcp_edge
    assert verify_credential(edge, "tcp", realm, old_user, old["password"]).outcome == "rejected"
    assert verify_credential(edge, "tcp", realm, new_user, new["password"]).outcome == "accepted"


def test_sipp_registers_after_up_and_is_rejected_after_destroy(edge_stack: Stack) -> None:
    ws = edge_workspace(edge_stack, PROGRAMS / "lifecycle")
    ws.up()
    out = ws.outputs(show_secrets=True)
    args = (out["sip_realm"], out["sip_username"], out["sip_password"])

    assert sipp_register(edge_stack.edge.tcp_edge, *args) == "accepted"
    assert (
        sipp_register(
            edge_stack.edge.tls_edge, *args, transport="tls", ca_file=str(edge_stack.edge.ca_file)
        )
        == "accepted"
    )
    ws.destroy()
    assert sipp_register(edge_stack.edge.tcp_edge, *args) == "rejected"


def test_verify_at_edge_accepts_a_working_credential(edge_stack: Stack) -> None:
    ws = edge_workspace(edge_stack, PROGRAMS / "lifecycle")
    ws.config({"t:verifyAtEdge": "true"})
    ws.up()
    out = ws.outputs(show_secrets=True)
    result = verify_credential(
        edge_stack.edge.tls_edge,
        "tls",
        out["sip_realm"],
        out["sip_username"],
        out["sip_password"],
        ca_file=str(edge_stack.edge.ca_file),
    )
    assert result.outcome == "accepted"


def test_verify_at_edge_rejection_fails_the_create_and_cleans_up(
    edge_stack: Stack, workspace: Callable[..., Workspace], emulator_settings: Any
) -> None:
    # This emulator does not feed the edge, so the edge rejects the new credential.
    ws = workspace(
        PROGRAMS / "lifecycle",
        config={
            "t:verifyAtEdge": "true",
            "exotel:edgeHost": edge_stack.edge.host,
            "exotel:edgeTlsPort": str(edge_stack.edge.tls_port),
            "exotel:edgeCaFile": str(edge_stack.edge.ca_file),
        },
    )
    proc = ws.run("up", "--yes", "--skip-preview", check=False)
    assert proc.returncode != 0
    text = proc.stdout + proc.stderr
    assert "rejected" in text and "403" in text
    with ExotelClient(emulator_settings) as client:
        (trunk,) = client.list_trunks()
        assert client.list_digest_credentials(trunk.trunk_sid) == []
