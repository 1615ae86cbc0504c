"""retell.PhoneNumber under the real Pulumi CLI: Exotel side on the emulator, Retell side on the
Retell twin, both over loopback HTTP, driven by examples/retell-end-to-end."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

pytest.importorskip("retell")

from pulumi_exotel.twins.retell import RetellTwin  # noqa: E402
from tests.conftest import Stats  # noqa: E402
from tests.engine import both_sides  # noqa: E402
from tests.engine.conftest import EXAMPLES  # noqa: E402
from tests.engine.harness import Workspace  # noqa: E402
from tests.engine.test_examples import check_output_contract  # noqa: E402
from tests.twin_fixtures import platform_workspace, routes_called, twin_fixture  # noqa: E402

pytestmark = pytest.mark.engine

PROJECT = EXAMPLES / "retell-end-to-end"
KEY_CANARY = "RetellKeyCanary_4b8e1d7f2a"
NUMBER = "+918047091260"
NUMBER_URN_NAME = "retell-number"


twin = twin_fixture(lambda: RetellTwin(KEY_CANARY), scope="function")


@pytest.fixture
def retell_workspace(
    workspace: Callable[..., Workspace], twin: RetellTwin
) -> Callable[..., Workspace]:
    return platform_workspace(workspace, PROJECT, "retell", twin, KEY_CANARY)


def test_lifecycle_up_preview_update_refresh_adopt_destroy(
    retell_workspace: Callable[..., Workspace],
    twin: RetellTwin,
    stats: Stats,
    emulator_settings: Any,
) -> None:
    ws = retell_workspace()
    ws.up()
    outputs = ws.outputs(show_secrets=True)
    check_output_contract(ws.outputs())
    assert twin.numbers() == [NUMBER]
    assert twin.credential(NUMBER) == (outputs["sip_username"], outputs["sip_password"])

    # No change: zero requests to Exotel and to Retell.
    both_sides.assert_no_change_preview_asks_neither(ws, stats, twin.requests)

    # In place: a new nickname is one PATCH, no re-import.
    ws.config({"nickname": "Renamed line"})
    twin.requests.reset()
    up = ws.up()
    assert "1 updated" in up.stdout, up.stdout
    assert routes_called(twin) == {"PATCH /update-phone-number/{phone_number}": 1}
    assert ws.outputs()["retell_nickname"] == "Renamed line"

    # Deleted in Retell behind Pulumi's back: refresh drops it, up imports it again.
    twin.remove(NUMBER)
    both_sides.refresh_drops_and_up_recreates(ws, NUMBER_URN_NAME)
    assert twin.numbers() == [NUMBER]
    assert twin.credential(NUMBER) == (outputs["sip_username"], outputs["sip_password"])

    # Pulumi forgets the number while Retell keeps it: up refuses, adopt=True takes it over.
    both_sides.assert_forgotten_objects_need_adopt(
        ws, [NUMBER_URN_NAME], "Retell", {"adopt": "true"}
    )
    assert ws.resources()[NUMBER_URN_NAME]["id"] == NUMBER
    both_sides.assert_no_change_preview_asks_neither(ws, stats, twin.requests)

    # Destroy leaves nothing on either side.
    both_sides.assert_destroy_leaves_nothing(ws, emulator_settings, twin.numbers)


def test_rotation_updates_the_number_in_place_between_create_and_delete(
    retell_workspace: Callable[..., Workspace], twin: RetellTwin, stats: Stats
) -> None:
    rotation = both_sides.up_and_rotate(retell_workspace(), stats, twin.requests, {"rotation": "2"})
    before, after = rotation.before, rotation.after
    assert after["sip_username"] != before["sip_username"]
    assert twin.credential(NUMBER) == (after["sip_username"], after["sip_password"])
    # The number was updated, never replaced.
    patched = {"PATCH /update-phone-number/{phone_number}": 1}
    assert routes_called(twin) == patched, rotation.stdout
    # Order across both servers (one clock): Exotel create, Retell update, Exotel delete.
    both_sides.assert_platform_updated_between_exotel_create_and_delete(
        stats, twin.requests.snapshot()["log"], "PATCH /update-phone-number/{phone_number}"
    )


def test_secret_canaries_never_appear(
    retell_workspace: Callable[..., Workspace], twin: RetellTwin
) -> None:
    ws = retell_workspace()
    seen = [ws.preview("--diff").stdout]
    seen += ws.verbose("up", "--logflow")
    password = ws.outputs(show_secrets=True)["sip_password"]
    assert twin.credential(NUMBER)[1] == password  # the password did reach Retell
    ws.config({"nickname": "Rotated", "rotation": "2"})
    seen += ws.verbose("up")
    new_password = ws.outputs(show_secrets=True)["sip_password"]
    seen.append(ws.export())
    seen.append(str(ws.outputs()))
    seen += [p.read_text() for p in ws.root.parent.rglob("*.json")]  # the file backend's state
    seen += ws.verbose("refresh")
    seen += ws.verbose("destroy")

    everything = "\n".join(seen)
    assert len(everything) > 10_000, "verbose logs were expected to be long"
    for canary in (KEY_CANARY, password, new_password):
        assert canary not in everything


def test_bad_input_fails_preview_with_no_request(
    retell_workspace: Callable[..., Workspace], twin: RetellTwin, stats: Stats
) -> None:
    ws = retell_workspace(transport="udp")
    stats.reset()
    proc = ws.preview(check=False)
    assert proc.returncode != 0
    assert "transport" in proc.stdout and "'udp'" in proc.stdout and "no UDP" in proc.stdout
    assert stats.total() == 0 and twin.requests.snapshot()["total"] == 0


def test_missing_api_key_fails_preview_naming_config_and_env(
    workspace: Callable[..., Workspace], twin: RetellTwin
) -> None:
    ws = workspace(PROJECT, config={"retell:baseUrl": twin.base_url})
    proc = ws.preview(check=False)
    assert proc.returncode != 0
    assert "retell:apiKey" in proc.stdout and "RETELL_API_KEY" in proc.stdout
    assert httpx.get(f"{twin.base_url}/_twin/stats").json()["total"] == 0
