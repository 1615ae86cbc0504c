"""Checks the platform stack tests (LiveKit, Retell, ElevenLabs, Vapi) make on both sides of one
stack: Exotel, through the emulator's request counter, and the Voice-AI platform, through its
twin's ``RequestLog`` (the twins and the emulator run in the test process and stamp requests on
one clock), or through the state the platform's objects leave."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pulumi_exotel.client import ExotelClient
from pulumi_exotel.config import ExotelSettings
from pulumi_exotel.twins._server import RequestLog
from tests.conftest import Stats
from tests.engine.harness import Workspace


@dataclass
class Rotation:
    """A credential rotation: the stack's outputs (secrets shown) before and after, and what the
    rotating `pulumi up` printed."""

    before: dict[str, Any]
    after: dict[str, Any]
    stdout: str


def up_and_rotate(
    ws: Workspace, stats: Stats, platform: RequestLog, rotate: dict[str, str]
) -> Rotation:
    """`pulumi up`, then a second `up` with the ``rotate`` config; the Exotel (``stats``) and
    platform request counters hold the second `up`'s requests alone."""
    ws.up()
    before = ws.outputs(show_secrets=True)
    ws.config(rotate)
    stats.reset()
    platform.reset()
    up = ws.up()
    return Rotation(before, ws.outputs(show_secrets=True), up.stdout)


def assert_no_change_preview_asks_neither(
    ws: Workspace, stats: Stats, platform: RequestLog
) -> None:
    """`pulumi preview --expect-no-changes` passes without one request to Exotel or the platform."""
    stats.reset()
    platform.reset()
    ws.preview("--expect-no-changes")
    assert stats.total() == 0, stats.log()
    assert platform.snapshot()["total"] == 0, platform.snapshot()["by_route"]


def assert_platform_updated_between_exotel_create_and_delete(
    stats: Stats, platform_log: list[dict[str, Any]], platform_route: str
) -> None:
    """A rotation's order on the shared clock: Exotel created the new credential, the platform
    had one request, ``platform_route`` (``"PATCH /credential/{id}"``), and only then did Exotel
    delete the old credential. ``platform_log`` is the twin's log since the rotation began."""
    exotel = [
        (e["at"], f"exotel {e['method']}")
        for e in stats.log()
        if "/credentials" in e["path"] and e["method"] in ("POST", "DELETE")
    ]
    platform = [(e["at"], f"{e['method']} {e['route']}") for e in platform_log]
    assert [name for _, name in sorted(exotel + platform)] == [
        "exotel POST",
        platform_route,
        "exotel DELETE",
    ]


def refresh_drops_and_up_recreates(ws: Workspace, *names: str) -> None:
    """After the platform's objects of the resources ``names`` were deleted behind Pulumi's back:
    `refresh` drops them from state, and `up` creates them again."""
    ws.refresh()
    assert set(names).isdisjoint(ws.resources()), sorted(ws.resources())
    ws.up()


def assert_forgotten_objects_need_adopt(
    ws: Workspace, names: list[str], platform: str, adopt: dict[str, str]
) -> None:
    """Pulumi forgets the resources ``names`` while the platform keeps their objects: `up`
    refuses, naming ``platform`` and ``adopt=True``; with the ``adopt`` config it takes them
    over."""
    resources = ws.resources()
    for name in names:
        ws.run("state", "delete", resources[name]["urn"], "--stack", ws.stack, "--yes")
    refused = ws.run("up", "--yes", "--skip-preview", check=False)
    assert refused.returncode != 0
    assert f"already exists in {platform}" in refused.stdout and "adopt=True" in refused.stdout
    ws.config(adopt)
    ws.up()


def assert_destroy_leaves_nothing(
    ws: Workspace, settings: ExotelSettings, platform_objects: Callable[[], list[Any]]
) -> None:
    """`pulumi destroy`, then neither the platform (``platform_objects()``) nor Exotel (the
    account of ``settings``) holds anything."""
    ws.destroy()
    assert platform_objects() == []
    with ExotelClient(settings) as client:
        assert client.list_trunks() == []
