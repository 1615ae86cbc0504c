"""`SipOutboundTrunk` with the real pulumi CLI, a real livekit-server (with Redis) and the
Exotel emulator: up, a no-change preview with zero requests to either API, in-place updates,
refresh after an out-of-band delete, adopt, destroy, and secrets kept out of every output.

LiveKit requests are counted by ``CountingProxy`` (tests/livekit_server.py), a loopback proxy
between the provider and livekit-server; Exotel requests by the emulator's own stats.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from livekit.protocol import sip

from pulumi_exotel.client import ExotelClient
from tests.conftest import Stats
from tests.engine import both_sides
from tests.engine.conftest import EXAMPLES, PROGRAMS
from tests.engine.harness import Workspace
from tests.engine.test_examples import check_output_contract
from tests.livekit_server import LiveKit

pytestmark = pytest.mark.engine

PROGRAM = PROGRAMS / "livekit"
DID, DID2 = "+918047091234", "+918047095678"


def livekit_workspace(
    workspace: Callable[..., Workspace],
    livekit: LiveKit,
    project: Path = PROGRAM,
    **config: str,
) -> Workspace:
    ws = workspace(project, config=config or None)
    # Never let the provider fall back to a developer's real LiveKit project.
    for key in [k for k in ws.env if k.startswith("LIVEKIT_")]:
        del ws.env[key]
    ws.config(livekit.config, secret=("livekit:apiSecret",))
    return ws


def test_missing_livekit_setting_fails_preview_naming_key_and_env(
    workspace: Callable[..., Workspace], livekit: LiveKit, stats: Stats
) -> None:
    ws = livekit_workspace(workspace, livekit)
    ws.config_rm("livekit:apiSecret")
    stats.reset()
    proc = ws.preview(check=False)
    assert proc.returncode != 0
    text = proc.stdout + proc.stderr
    assert "livekit:apiSecret" in text and "LIVEKIT_API_SECRET" in text
    assert livekit.proxy.total() == 0


def test_up_preview_update_refresh_destroy(
    workspace: Callable[..., Workspace],
    livekit: LiveKit,
    stats: Stats,
    emulator_settings: Any,
) -> None:
    api = livekit.api()
    ws = livekit_workspace(workspace, livekit)
    ws.up()
    out = ws.outputs(show_secrets=True)
    (trunk,) = api.outbound_trunks()
    assert trunk.sip_trunk_id == out["sip_trunk_id"]
    assert trunk.address == out["address"] and trunk.address.endswith(":443")
    assert list(trunk.numbers) == [DID]
    assert trunk.auth_username == out["sip_username"]
    assert trunk.auth_password == out["auth_password"]
    assert ws.outputs()["auth_password"] == "[secret]"

    # A no-change preview asks neither LiveKit nor Exotel anything.
    livekit.proxy.reset()
    stats.reset()
    ws.preview("--expect-no-changes")
    assert livekit.proxy.total() == 0, livekit.proxy.calls
    assert stats.total() == 0, stats.log()

    # New DID and transport: the same LiveKit trunk, updated in place by one partial update.
    ws.config({"t:dids": f"{DID},{DID2}", "t:transport": "tcp"})
    livekit.proxy.reset()
    preview = ws.preview("--diff").stdout
    assert "replace" not in preview.lower(), preview
    ws.up()
    (trunk,) = api.outbound_trunks()
    assert trunk.sip_trunk_id == out["sip_trunk_id"]
    assert list(trunk.numbers) == [DID, DID2]
    assert trunk.transport == sip.SIPTransport.SIP_TRANSPORT_TCP
    assert trunk.address.endswith(":5070")
    assert livekit.proxy.calls["UpdateSIPOutboundTrunk"] == 1
    assert livekit.proxy.calls["CreateSIPOutboundTrunk"] == 0

    # Deleted out of band: refresh drops it from state, the next up creates it again.
    api.delete_trunk(trunk.sip_trunk_id)
    both_sides.refresh_drops_and_up_recreates(ws, "livekit-out")
    (again,) = api.outbound_trunks()
    assert again.sip_trunk_id != trunk.sip_trunk_id
    assert ws.outputs()["sip_trunk_id"] == again.sip_trunk_id
    ws.preview("--expect-no-changes")

    ws.destroy()
    assert api.outbound_trunks() == []
    with ExotelClient(emulator_settings) as client:
        assert client.list_trunks() == []


def test_adopt_takes_over_a_trunk_with_the_same_name(
    workspace: Callable[..., Workspace], livekit: LiveKit
) -> None:
    api = livekit.api()
    existing = api.create_outbound_trunk(
        name="exotel-out", address="old.example.com:5060", numbers=["+918047090000"]
    )
    ws = livekit_workspace(workspace, livekit)
    failed = ws.run("up", "--yes", "--skip-preview", check=False)
    assert failed.returncode != 0
    text = failed.stdout + failed.stderr
    assert "'exotel-out' already exists in LiveKit" in text and "adopt=True" in text
    assert [t.sip_trunk_id for t in api.outbound_trunks()] == [existing.sip_trunk_id]

    ws.config({"t:adopt": "true"})
    ws.up()
    (trunk,) = api.outbound_trunks()
    assert trunk.sip_trunk_id == existing.sip_trunk_id == ws.outputs()["sip_trunk_id"]
    assert trunk.address.endswith(":443") and list(trunk.numbers) == [DID]
    ws.preview("--expect-no-changes")
    ws.destroy()
    assert api.outbound_trunks() == []


def test_secrets_absent_from_state_output_and_verbose_logs(
    workspace: Callable[..., Workspace], livekit: LiveKit, tmp_path: Path
) -> None:
    password = "CanaryDigest_5e1f0a7c9b3d"
    api_secret = livekit.server.api_secret  # the server's real secret is the canary
    assert api_secret.startswith("lk-canary-")
    ws = livekit_workspace(workspace, livekit, **{"t:credUser": "canary_user"})
    ws.config({"t:credPassword": password}, secret=("t:credPassword",))

    seen = [ws.preview("--diff").stdout]
    seen += [*ws.verbose("up", "--logflow"), ws.export(), str(ws.outputs())]
    (trunk,) = livekit.api().outbound_trunks()
    assert trunk.auth_password == password  # it did reach LiveKit
    ws.config({"t:dids": f"{DID},{DID2}"})
    seen += [*ws.verbose("up"), *ws.verbose("refresh"), ws.export()]
    seen += [p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file()]
    seen += ws.verbose("destroy")

    everything = "\n".join(seen)
    assert len(everything) > 10_000, "verbose logs were expected to be long"
    assert password not in everything
    assert api_secret not in everything


def test_end_to_end_example_both_sides_in_one_program(
    workspace: Callable[..., Workspace],
    livekit: LiveKit,
    stats: Stats,
    emulator_settings: Any,
) -> None:
    api = livekit.api()
    ws = livekit_workspace(workspace, livekit, EXAMPLES / "livekit-end-to-end")
    ws.up()
    out = ws.outputs(show_secrets=True)
    check_output_contract(ws.outputs())
    (outbound,) = api.outbound_trunks()
    (inbound,) = api.inbound_trunks()
    (rule,) = api.dispatch_rules()
    assert outbound.sip_trunk_id == out["livekit_outbound_trunk_id"]
    assert (outbound.auth_username, outbound.auth_password) == (
        out["sip_username"],
        out["sip_password"],
    )
    assert outbound.address == out["edge_tls"] and list(outbound.numbers) == out["dids"]
    assert inbound.sip_trunk_id == out["livekit_inbound_trunk_id"]
    assert list(inbound.numbers) == out["dids"]
    assert list(inbound.allowed_addresses) == ["182.76.143.61", "122.15.8.184"]
    assert rule.sip_dispatch_rule_id == out["livekit_dispatch_rule_id"]
    assert list(rule.trunk_ids) == [inbound.sip_trunk_id]
    assert rule.rule.dispatch_rule_individual.room_prefix == "exotel-"
    assert [a.agent_name for a in rule.room_config.agents] == ["receptionist"]
    assert out["inbound_destinations"] == ["vjnxecm0tjk.sip.livekit.cloud:5061;transport=tls"]

    livekit.proxy.reset()
    stats.reset()
    ws.preview("--expect-no-changes")
    assert livekit.proxy.total() == 0, livekit.proxy.calls
    assert stats.total() == 0, stats.log()

    # Rotation and a new agent: every LiveKit object keeps its id.
    ws.config({"rotation": "2026-12", "agentName": "concierge", "exotelSourceIps": "182.76.143.61"})
    ws.up()
    after = ws.outputs(show_secrets=True)
    assert after["sip_username"] != out["sip_username"]
    (outbound2,) = api.outbound_trunks()
    (inbound2,) = api.inbound_trunks()
    (rule2,) = api.dispatch_rules()
    assert outbound2.sip_trunk_id == outbound.sip_trunk_id
    assert outbound2.auth_username == after["sip_username"]
    assert inbound2.sip_trunk_id == inbound.sip_trunk_id
    assert list(inbound2.allowed_addresses) == ["182.76.143.61"]
    assert rule2.sip_dispatch_rule_id == rule.sip_dispatch_rule_id
    assert [a.agent_name for a in rule2.room_config.agents] == ["concierge"]
    assert livekit.proxy.calls["CreateSIPOutboundTrunk"] == 0
    assert livekit.proxy.calls["CreateSIPInboundTrunk"] == 0
    assert livekit.proxy.calls["CreateSIPDispatchRule"] == 0

    # The rule deleted out of band: refresh drops it, up puts it back.
    api.delete_dispatch_rule(rule2.sip_dispatch_rule_id)
    both_sides.refresh_drops_and_up_recreates(ws, "calls")
    (rule3,) = api.dispatch_rules()
    assert list(rule3.trunk_ids) == [inbound.sip_trunk_id]

    ws.destroy()
    assert api.outbound_trunks() == api.inbound_trunks() == api.dispatch_rules() == []
    with ExotelClient(emulator_settings) as client:
        assert client.list_trunks() == []
