"""elevenlabs.PhoneNumber (sip_trunk) and ExotelPhoneNumber (native) under the real Pulumi CLI:
Exotel side on the emulator, ElevenLabs side on its twin, driven by
examples/elevenlabs-end-to-end."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

pytest.importorskip("elevenlabs")

from pulumi_exotel.emulator.accounts import DEFAULT_ACCOUNT  # noqa: E402
from pulumi_exotel.twins.elevenlabs import ElevenLabsTwin  # noqa: E402
from tests.conftest import Stats  # noqa: E402
from tests.engine import both_sides  # noqa: E402
from tests.engine.conftest import EXAMPLES  # noqa: E402
from tests.engine.harness import Workspace  # noqa: E402
from tests.engine.test_examples import check_output_contract  # noqa: E402
from tests.twin_fixtures import platform_workspace, routes_called, twin_fixture  # noqa: E402

pytestmark = pytest.mark.engine

PROJECT = EXAMPLES / "elevenlabs-end-to-end"
KEY_CANARY = "ElevenLabsKeyCanary_93c1e0aa5d"
NUMBER = "+918047091270"
NAME = "elevenlabs-number"


twin = twin_fixture(lambda: ElevenLabsTwin(KEY_CANARY), scope="function")


@pytest.fixture
def el_workspace(
    workspace: Callable[..., Workspace], twin: ElevenLabsTwin
) -> Callable[..., Workspace]:
    return platform_workspace(workspace, PROJECT, "elevenlabs", twin, KEY_CANARY)


def test_lifecycle_up_preview_update_refresh_adopt_destroy(
    el_workspace: Callable[..., Workspace],
    twin: ElevenLabsTwin,
    stats: Stats,
    emulator_settings: Any,
) -> None:
    ws = el_workspace(exotelAppId="123456")
    ws.up()
    outputs = ws.outputs(show_secrets=True)
    check_output_contract(ws.outputs())
    sip_id = outputs["elevenlabs_phone_number_id"]
    native_id = outputs["elevenlabs_native_phone_number_id"]
    assert twin.ids() == sorted([sip_id, native_id])
    assert twin.credential(sip_id) == (outputs["sip_username"], outputs["sip_password"])
    native = twin.stored(native_id)["native"]
    assert (native["account_sid"], native["api_token"], native["app_id"]) == (
        DEFAULT_ACCOUNT.sid,
        DEFAULT_ACCOUNT.api_token,
        "123456",
    )
    # The Exotel token handed to ElevenLabs is a secret in state too.
    assert DEFAULT_ACCOUNT.api_token not in ws.export()

    both_sides.assert_no_change_preview_asks_neither(ws, stats, twin.requests)

    ws.config({"label": "Renamed line"})
    twin.requests.reset()
    up = ws.up()
    assert "1 updated" in up.stdout, up.stdout
    assert routes_called(twin) == {"PATCH /v1/convai/phone-numbers/{phone_number_id}": 1}
    assert twin.stored(sip_id)["label"] == "Renamed line"

    twin.remove(sip_id)
    both_sides.refresh_drops_and_up_recreates(ws, NAME)
    recreated = ws.outputs()["elevenlabs_phone_number_id"]
    assert recreated != sip_id and recreated in twin.ids()

    both_sides.assert_forgotten_objects_need_adopt(ws, [NAME], "ElevenLabs", {"adopt": "true"})
    assert ws.resources()[NAME]["id"] == recreated
    both_sides.assert_no_change_preview_asks_neither(ws, stats, twin.requests)

    both_sides.assert_destroy_leaves_nothing(ws, emulator_settings, twin.ids)


def test_rotation_in_place_and_secrets_never_appear(
    el_workspace: Callable[..., Workspace], twin: ElevenLabsTwin, stats: Stats
) -> None:
    ws = el_workspace()
    seen = [ws.preview("--diff").stdout]
    seen += ws.verbose("up", "--logflow")
    before = ws.outputs(show_secrets=True)
    number_id = before["elevenlabs_phone_number_id"]

    ws.config({"rotation": "2"})
    stats.reset()
    twin.requests.reset()
    seen += ws.verbose("up")
    after = ws.outputs(show_secrets=True)
    assert after["sip_username"] != before["sip_username"]
    assert twin.credential(number_id) == (after["sip_username"], after["sip_password"])
    assert routes_called(twin) == {"PATCH /v1/convai/phone-numbers/{phone_number_id}": 1}
    both_sides.assert_platform_updated_between_exotel_create_and_delete(
        stats, twin.requests.snapshot()["log"], "PATCH /v1/convai/phone-numbers/{phone_number_id}"
    )

    seen.append(ws.export())
    seen.append(str(ws.outputs()))
    seen += [p.read_text() for p in ws.root.parent.rglob("*.json")]
    seen += ws.verbose("destroy")
    everything = "\n".join(seen)
    assert len(everything) > 10_000
    for canary in (KEY_CANARY, before["sip_password"], after["sip_password"]):
        assert canary not in everything
