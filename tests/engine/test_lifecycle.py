"""The five resources through the real engine: create, preview, update, replace, destroy."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from pulumi_exotel.client import ExotelClient
from tests.conftest import Stats
from tests.engine.conftest import PROGRAMS
from tests.engine.harness import Workspace

pytestmark = pytest.mark.engine

LIFECYCLE = PROGRAMS / "lifecycle"
CHILDREN = ("did", "cred", "acl", "dest", "ipdest")


@pytest.fixture
def client(emulator_settings: Any) -> Iterator[ExotelClient]:
    with ExotelClient(emulator_settings) as c:
        yield c


def ids(ws: Workspace) -> dict[str, str]:
    result: dict[str, str] = ws.outputs()["ids"]
    return result


def remote(client: ExotelClient, trunk_sid: str) -> dict[str, list[Any]]:
    return {
        "did": client.list_phone_mappings(trunk_sid),
        "cred": client.list_digest_credentials(trunk_sid),
        "acl": client.list_whitelisted_ips(trunk_sid),
        "dest": client.list_destination_uris(trunk_sid),
    }


def assert_no_changes(ws: Workspace, stats: Stats) -> None:
    stats.reset()
    ws.preview("--expect-no-changes")
    assert stats.total() == 0, f"a no-change preview made API calls: {stats.log()}"


def test_up_preview_update_replace_refresh_destroy(
    workspace: Callable[..., Workspace], stats: Stats, client: ExotelClient
) -> None:
    ws = workspace(LIFECYCLE)

    # create
    ws.up()
    first = ids(ws)
    trunk_sid = first["trunk"]
    objects = remote(client, trunk_sid)
    assert [m.phone_number for m in objects["did"]] == ["+918047091234"]
    assert len(objects["cred"]) == 1 and len(objects["acl"]) == 1
    assert len(objects["dest"]) == 2
    for child in CHILDREN:
        assert first[child].startswith(trunk_sid + "/")
    assert_no_changes(ws, stats)

    # in-place updates keep every id
    ws.config(
        {
            "t:trunkName": "engine_trunk_b",
            "t:callerId": "+918047090000",
            "t:mode": "flow",
            "t:credFriendly": "engine_cred_b",
            "t:priority": "5",
            "t:weight": "3",
        }
    )
    ws.up()
    assert ids(ws) == first
    assert client.get_trunk(trunk_sid).trunk_name == "engine_trunk_b"
    settings = {s.name: s.value for s in client.list_trunk_settings(trunk_sid)}
    assert settings.get("trunk_external_alias") == "+918047090000"
    objects = remote(client, trunk_sid)
    assert objects["did"][0].mode == "flow"
    assert objects["cred"][0].friendly_name == "engine_cred_b"
    dest = next(d for d in objects["dest"] if "sip.example.com" in d.destination)
    assert (dest.priority, dest.weight) == (5, 3)
    assert_no_changes(ws, stats)

    # removing the caller ID deletes the setting, still in place
    ws.config_rm("t:callerId")
    ws.up()
    assert ids(ws)["trunk"] == trunk_sid
    assert "trunk_external_alias" not in {s.name for s in client.list_trunk_settings(trunk_sid)}

    # replace fields: new child objects, old ones gone, trunk kept
    ws.config(
        {
            "t:did": "+918047091235",
            "t:keepers": "2",
            "t:ip": "44.248.146.12",
            "t:destination": "sip2.example.com:5061;transport=tls",
        }
    )
    stats.reset()
    ws.up()
    # Create-before-delete: each kind's new object exists before its old one is deleted.
    writes = [(e["method"], e["path"].rsplit("/", 1)[-1]) for e in stats.log()]
    for kind in ("phone-numbers", "credentials", "whitelisted-ips", "destination-uris"):
        order = [method for method, path in writes if path == kind and method != "GET"]
        assert "POST" in order and "DELETE" in order, (kind, order)
        assert order.index("POST") < order.index("DELETE"), (kind, order)
    second = ids(ws)
    assert second["trunk"] == trunk_sid
    for child in CHILDREN:
        assert second[child] != first[child], child
    objects = remote(client, trunk_sid)
    assert [m.phone_number for m in objects["did"]] == ["+918047091235"]
    assert [a.ip for a in objects["acl"]] == ["44.248.146.12"]
    assert len(objects["cred"]) == 1
    assert sorted(d.destination for d in objects["dest"]) == [
        "sip:44.248.146.12:5061;transport=tls",
        "sip:sip2.example.com:5061;transport=tls",
    ]
    assert_no_changes(ws, stats)

    # replacing the trunk (domain_name) replaces everything under it
    ws.config({"t:domainName": "demo1-alt.pstn.exotel.com"})
    ws.up()
    third = ids(ws)
    assert third["trunk"] != trunk_sid
    assert client.find_trunk(trunk_sid) is None
    assert [t.trunk_sid for t in client.list_trunks()] == [third["trunk"]]
    assert_no_changes(ws, stats)

    # out-of-band deletes: refresh drops them, the next up recreates them
    trunk_sid = third["trunk"]
    objects = remote(client, trunk_sid)
    client.delete_phone_mapping(trunk_sid, objects["did"][0].id)
    client.delete_digest_credential(trunk_sid, objects["cred"][0].id)
    for dest in objects["dest"]:
        client.delete_destination_uri(trunk_sid, dest.id)
    client.delete_whitelisted_ip(trunk_sid, objects["acl"][0].id)
    ws.refresh()
    in_state = ws.resources()
    for child in CHILDREN:
        assert child not in in_state, f"{child} still in state after refresh"
    assert "trunk" in in_state
    ws.up()
    fourth = ids(ws)
    assert fourth["trunk"] == trunk_sid
    objects = remote(client, trunk_sid)
    assert len(objects["did"]) == len(objects["cred"]) == len(objects["acl"]) == 1
    assert len(objects["dest"]) == 2
    assert_no_changes(ws, stats)

    # the trunk itself deleted behind Pulumi's back (cascades at Exotel)
    client.delete_trunk(trunk_sid)
    ws.refresh()
    assert ws.resources() == {}
    ws.up()
    assert ids(ws)["trunk"] != trunk_sid
    assert_no_changes(ws, stats)

    # destroy leaves nothing of the stack
    ws.destroy()
    assert client.list_trunks() == []


def test_adopt_takes_over_existing_objects_without_diff(
    workspace: Callable[..., Workspace], stats: Stats, client: ExotelClient
) -> None:
    trunk = client.create_trunk(
        trunk_name="adopted_trunk", domain_name="demo1.pstn.exotel.com", nso_code="ANY-ANY"
    )
    sid = trunk.trunk_sid
    mapping = client.create_phone_mapping(sid, phone_number="+918047091299", mode="pstn")
    cred = client.create_digest_credential(
        sid, user_name="adopted_user", password="Adopted_password_123", friendly_name="adopted"
    )
    acl = client.create_whitelisted_ip(sid, ip="44.248.146.20", mask=32)
    dest = client.create_destination_uri(
        sid, destination="sip.adopted.example.com:5061;transport=tls"
    )
    ip_dest = client.create_destination_uri(sid, destination="44.248.146.20:5061;transport=tls")

    ws = workspace(LIFECYCLE)
    ws.config(
        {
            "t:adopt": "true",
            "t:trunkName": "adopted_trunk",
            "t:did": "+918047091299",
            "t:credUser": "adopted_user",
            "t:credFriendly": "adopted",
            "t:ip": "44.248.146.20",
            "t:destination": "sip.adopted.example.com:5061;transport=tls",
        }
    )
    ws.config({"t:credPassword": "Adopted_password_123"}, secret=("t:credPassword",))
    ws.up()
    assert ids(ws) == {
        "trunk": sid,
        "did": f"{sid}/{mapping.id}",
        "cred": f"{sid}/{cred.id}",
        "acl": f"{sid}/{acl.id}",
        "dest": f"{sid}/{dest.id}",
        "ipdest": f"{sid}/{ip_dest.id}",
    }
    assert len(client.list_trunks()) == 1
    assert len(client.list_destination_uris(sid)) == 2
    assert_no_changes(ws, stats)


def test_existing_object_without_adopt_is_a_clear_error(
    workspace: Callable[..., Workspace], client: ExotelClient
) -> None:
    client.create_trunk(
        trunk_name="taken_name", domain_name="demo1.pstn.exotel.com", nso_code="ANY-ANY"
    )
    ws = workspace(LIFECYCLE)
    ws.config({"t:trunkName": "taken_name"})
    proc = ws.run("up", "--yes", "--skip-preview", check=False)
    assert proc.returncode != 0
    text = proc.stdout + proc.stderr
    assert "taken_name" in text and "adopt=True" in text
    assert len(client.list_trunks()) == 1
