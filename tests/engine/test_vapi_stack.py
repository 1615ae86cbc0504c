"""Exotel and Vapi in one stack, through the real Pulumi CLI: Exotel on the emulator, Vapi on its
twin (Vapi has no local server). Both count their requests, on one clock, so the tests can prove
a no-change preview asks neither and a rotation updates Vapi between Exotel's create and delete.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

pytest.importorskip("vapi", reason="the Vapi resources need vapi-server-sdk (the vapi extra)")

from pulumi_exotel.emulator.server import Account, EmulatorServer  # noqa: E402
from pulumi_exotel.twins.vapi import VapiTwinServer  # noqa: E402
from tests.conftest import Stats  # noqa: E402
from tests.engine import both_sides  # noqa: E402
from tests.engine.conftest import EXAMPLES, PROGRAMS, emulator_config  # noqa: E402
from tests.engine.harness import Workspace  # noqa: E402

pytestmark = pytest.mark.engine

PROGRAM = PROGRAMS / "vapi"
API_KEY_CANARY = "VapiKeyCanary_5e1d7c9a3b"
PASSWORD_CANARY = "VapiDigestCanary_8c2f4a6e0d"


class Twin:
    """The Vapi twin as the tests see it: its objects, stored passwords and request log."""

    def __init__(self, server: VapiTwinServer) -> None:
        self.server = server
        self.http = httpx.Client(
            base_url=server.base_url, headers={"Authorization": f"Bearer {server.token}"}
        )

    def config(self) -> dict[str, str]:
        return {"vapi:apiKey": self.server.token, "vapi:baseUrl": self.server.base_url}

    def list(self, kind: str) -> list[dict[str, Any]]:
        answer: list[dict[str, Any]] = self.http.get(f"/{kind}").json()
        return answer

    def password(self, credential_id: str) -> str:
        stored = self.http.get(f"/_twin/credential/{credential_id}").json()
        return str(stored["outboundAuthenticationPlan"]["authPassword"])

    def stats(self) -> dict[str, Any]:
        answer: dict[str, Any] = self.http.get("/_twin/stats").json()
        return answer

    def reset_stats(self) -> None:
        self.http.post("/_twin/stats/reset").raise_for_status()


@pytest.fixture(scope="module")
def twin_server() -> Iterator[VapiTwinServer]:
    with VapiTwinServer() as server:
        yield server


@pytest.fixture
def twin(twin_server: VapiTwinServer) -> Iterator[Twin]:
    httpx.post(f"{twin_server.base_url}/_twin/reset").raise_for_status()
    view = Twin(twin_server)
    yield view
    view.http.close()


@pytest.fixture
def vapi_stack(workspace: Callable[..., Workspace], twin: Twin) -> Callable[..., Workspace]:
    def make(project: Path = PROGRAM, *, configure_vapi: bool = True, **kwargs: Any) -> Workspace:
        ws = workspace(project, **kwargs)
        for key in [k for k in ws.env if k.startswith("VAPI_")]:
            del ws.env[key]  # never a developer's real Vapi account
        if configure_vapi:
            ws.config(twin.config(), secret=("vapi:apiKey",))
        return ws

    return make


def test_up_no_change_preview_update_refresh_adopt_destroy(
    vapi_stack: Callable[..., Workspace], twin: Twin, stats: Stats, emulator_settings: Any
) -> None:
    ws = vapi_stack()
    ws.up()
    out = ws.outputs(show_secrets=True)
    [cred] = twin.list("credential")
    [number] = twin.list("phone-number")
    assert cred["id"] == out["vapi_credential_id"]
    assert cred["gateways"] == [
        {"ip": "in.voip.exotel.com", "port": 443, "outboundProtocol": "tls"}
    ]
    assert cred["outboundAuthenticationPlan"] == {"authUsername": out["exotel_user"]}
    assert twin.password(cred["id"]) == out["vapi_password"]
    assert (number["number"], number["credentialId"]) == ("+918047091260", cred["id"])
    assert ws.outputs()["vapi_password"] == "[secret]"

    # No change: zero requests to Exotel and to Vapi.
    both_sides.assert_no_change_preview_asks_neither(ws, stats, twin.server.log)

    # In-place update of the number: same Vapi object, one PATCH.
    ws.config({"t:numberName": "support", "t:assistantId": "asst-engine"})
    twin.reset_stats()
    ws.up()
    assert twin.stats()["by_route"] == {"PATCH /phone-number/{id}": 1}
    [patched] = twin.list("phone-number")
    assert patched["id"] == number["id"]
    assert (patched["name"], patched["assistantId"]) == ("support", "asst-engine")

    # Deleted out of band: refresh drops both from state, up creates them again.
    twin.http.delete(f"/phone-number/{number['id']}").raise_for_status()
    twin.http.delete(f"/credential/{cred['id']}").raise_for_status()
    both_sides.refresh_drops_and_up_recreates(ws, "vapi-cred", "vapi-number")
    [cred2] = twin.list("credential")
    [number2] = twin.list("phone-number")
    assert cred2["id"] != cred["id"] and number2["credentialId"] == cred2["id"]
    ws.preview("--expect-no-changes")

    # Adopt: forget both in state; without adopt the existing objects are a clear error, with
    # it they are taken over and nothing new is made.
    both_sides.assert_forgotten_objects_need_adopt(
        ws, ["vapi-number", "vapi-cred"], "Vapi", {"t:adopt": "true"}
    )
    assert [c["id"] for c in twin.list("credential")] == [cred2["id"]]
    assert [n["id"] for n in twin.list("phone-number")] == [number2["id"]]
    ws.preview("--expect-no-changes")

    # Destroy leaves nothing on either side.
    both_sides.assert_destroy_leaves_nothing(
        ws, emulator_settings, lambda: twin.list("credential") + twin.list("phone-number")
    )


def test_rotation_updates_vapi_in_place_between_exotel_create_and_delete(
    vapi_stack: Callable[..., Workspace], twin: Twin, stats: Stats
) -> None:
    rotation = both_sides.up_and_rotate(vapi_stack(), stats, twin.server.log, {"t:keepers": "2"})
    before, after = rotation.before, rotation.after
    vapi_log = twin.stats()["log"]  # before the checks below add their own GETs

    # Vapi now holds the new credential, on the same object.
    assert after["vapi_credential_id"] == before["vapi_credential_id"]
    assert after["exotel_user"] != before["exotel_user"]
    [held] = twin.list("credential")
    assert held["id"] == before["vapi_credential_id"]
    assert held["outboundAuthenticationPlan"]["authUsername"] == after["exotel_user"]
    assert twin.password(held["id"]) == after["vapi_password"] != before["vapi_password"]

    # Order on the shared clock: Exotel create, Vapi PATCH, Exotel delete; nothing else on Vapi.
    both_sides.assert_platform_updated_between_exotel_create_and_delete(
        stats, vapi_log, "PATCH /credential/{id}"
    )


def test_canaries_absent_from_state_cli_output_and_verbose_logs(
    pulumi_on_path: str, tmp_path: Path
) -> None:
    account = Account(sid="vapicanary1", api_key="vapi_canary_key", api_token="VapiExoTok_1x")
    with (
        EmulatorServer(tmp_path / "emulator.sqlite", [account]) as emulator,
        VapiTwinServer(token=API_KEY_CANARY) as server,
    ):
        ws = Workspace.create(PROGRAM, tmp_path / "ws")
        ws.config(emulator_config(emulator), secret=("exotel:apiToken",))
        ws.config(Twin(server).config(), secret=("vapi:apiKey",))
        ws.config({"t:credUser": "vapi_canary_user"})
        ws.config({"t:credPassword": PASSWORD_CANARY}, secret=("t:credPassword",))

        seen = [ws.preview("--diff").stdout]
        for command in (("up", "--yes"), ("refresh", "--yes"), ("destroy", "--yes")):
            if command[0] == "destroy":
                seen.append(ws.export())
                seen.append(str(ws.outputs()))
                state_files = list((tmp_path / "ws" / "backend").rglob("*.json"))
                assert state_files, "the file backend's state was expected on disk"
                seen += [p.read_text(errors="replace") for p in state_files]
            proc = ws.run(*command, "--logtostderr", "-v=9", "--logflow")
            seen += [proc.stdout, proc.stderr]
        seen.append((ws.root / "Pulumi.test.yaml").read_text())

        everything = "\n".join(seen)
        assert len(everything) > 10_000, "verbose logs were expected to be long"
        assert API_KEY_CANARY not in everything
        assert PASSWORD_CANARY not in everything
        # And yet Vapi got both: the key authenticated every call, the password is stored.
        assert Twin(server).stats()["total"] > 0


def test_vapi_example_up_no_change_preview_destroy(
    vapi_stack: Callable[..., Workspace], twin: Twin, stats: Stats
) -> None:
    ws = vapi_stack(EXAMPLES / "vapi-end-to-end")
    ws.up()
    out = ws.outputs()
    [cred] = twin.list("credential")
    [number] = twin.list("phone-number")
    assert (out["vapi_credential_id"], out["vapi_phone_number_id"]) == (cred["id"], number["id"])
    assert out["inbound_destinations"] == ["sip.vapi.ai:5061;transport=tls"]
    assert out["sip_password"] == "[secret]"

    both_sides.assert_no_change_preview_asks_neither(ws, stats, twin.server.log)

    ws.destroy()
    assert twin.list("credential") == [] and twin.list("phone-number") == []


def test_missing_vapi_key_fails_preview_naming_config_and_env(
    vapi_stack: Callable[..., Workspace], twin: Twin, stats: Stats
) -> None:
    ws = vapi_stack(configure_vapi=False)
    ws.config({"vapi:baseUrl": twin.server.base_url})
    stats.reset()
    proc = ws.preview(check=False)
    text = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "vapi:apiKey" in text and "VAPI_API_KEY" in text
    assert stats.total() == 0 and twin.stats()["total"] == 0
