"""The intent journal around create (``resources/intent.py``), provider tier against the emulator:
an interrupted create's object is taken over by the next create of the same resource, and only
then; a late write's repeat is deleted by the next update; a failed undo is taken over later."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from pulumi_exotel.client import ExotelClient
from pulumi_exotel.client.store import open_store
from pulumi_exotel.config import ExotelSettings
from pulumi_exotel.resources.base import ExotelProviderError
from pulumi_exotel.resources.digest_credential import DigestCredentialProvider
from pulumi_exotel.resources.intent import IDENTITY, Intent
from pulumi_exotel.resources.trunk import TrunkProvider
from tests.conftest import Stats
from tests.provider.conftest import engine_for

pytestmark = pytest.mark.provider

ME = "proj/stack/Trunk/main"


@pytest.fixture
def store_config(config: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    """The stack config with its own journal store (a fresh SQLite file per test)."""
    return {**config, "exotel:rateLimitStore": f"sqlite:///{tmp_path}/store.sqlite"}


def _journal(settings: ExotelSettings, config: dict[str, Any]) -> Any:
    return open_store(config["exotel:rateLimitStore"], settings.api_root).journal


def test_an_interrupted_trunk_create_is_taken_over_by_the_retry(
    store_config: dict[str, Any], emulator_settings: ExotelSettings, api: ExotelClient
) -> None:
    trunks = engine_for(TrunkProvider(), store_config)
    # The interrupted create: its record was written, its POST reached Exotel, then it died.
    intent = Intent.of(_journal(emulator_settings, store_config), "Trunk", {IDENTITY: ME}, "t_int")
    assert intent is not None
    intent.posting()
    sid = api.create_trunk("t_int").trunk_sid

    id_, outs = trunks.create({"trunk_name": "t_int", IDENTITY: ME})

    assert id_ == sid
    assert [t.trunk_name for t in api.list_trunks()] == ["t_int"]
    assert outs[IDENTITY] == ME


@pytest.mark.parametrize("identity", [None, "proj/stack/Trunk/someone_else"])
def test_an_existing_trunk_without_our_record_is_still_an_error(
    store_config: dict[str, Any],
    emulator_settings: ExotelSettings,
    api: ExotelClient,
    identity: str | None,
) -> None:
    trunks = engine_for(TrunkProvider(), store_config)
    if identity is not None:  # another resource's interrupted create, not ours
        other = Intent.of(
            _journal(emulator_settings, store_config), "Trunk", {IDENTITY: identity}, "t_x"
        )
        assert other is not None
        other.posting()
    api.create_trunk("t_x")

    with pytest.raises(ExotelProviderError, match="already exists.*adopt=True"):
        trunks.create({"trunk_name": "t_x", IDENTITY: ME})
    assert len(api.list_trunks()) == 1


def test_a_generated_credential_retried_meets_its_own_name(
    store_config: dict[str, Any], api: ExotelClient
) -> None:
    sid = api.create_trunk("t_cred").trunk_sid
    credentials = engine_for(DigestCredentialProvider(), store_config)
    props = {
        "trunk_sid": sid,
        "user_name_prefix": "gen",
        "keepers": {"rotation": "1"},
        IDENTITY: "proj/stack/DigestCredential/c",
    }
    first_id, first = credentials.create(props)
    # Pulumi never saved that result (the CLI was killed): the same create runs again.
    second_id, second = credentials.create(props)

    assert second_id == first_id
    assert second["user_name"] == first["user_name"]
    assert first["user_name"].startswith("gen_") and len(first["user_name"]) == len("gen_") + 8
    assert len(api.list_digest_credentials(sid)) == 1
    assert second["password"] != first["password"]  # taken over: a new password is set
    rotated_id, rotated = credentials.create({**props, "keepers": {"rotation": "2"}})
    assert rotated["user_name"] != first["user_name"] and rotated_id != first_id


def test_a_late_destination_write_is_deleted_by_the_next_update(
    store_config: dict[str, Any],
    stats: Stats,
    api: ExotelClient,
) -> None:
    from pulumi_exotel.resources.destination_uri import DestinationUriProvider

    sid = api.create_trunk("t_dest").trunk_sid
    config = {**store_config, "exotel:timeoutSeconds": "0.5"}
    destinations = engine_for(DestinationUriProvider(), config)
    # The client gives up after 0.5 s and looks the object up after its first backoff (0.5 s
    # plus up to 0.5 s of jitter): by 1.5 s at the latest. The held POST must land well after
    # that, or the lookup finds it and there is no repeat to clean up (1 run in 30 at 1.5 s).
    stats.fault("late_commit", "POST", "/destination-uris$", delay_ms=3000)
    props = {
        "trunk_sid": sid,
        "destination": "sip.example.com:5061;transport=tls",
        IDENTITY: "proj/stack/DestinationUri/d",
    }
    id_, outs = destinations.create(props)
    deadline = time.monotonic() + 5
    while len(api.list_destination_uris(sid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(api.list_destination_uris(sid)) == 2  # the late write landed

    diff = destinations.diff(id_, outs, props)
    assert diff.changes is True
    destinations.update(id_, outs, props)

    assert [e.id for e in api.list_destination_uris(sid)] == [id_.split("/")[1]]
    assert destinations.diff(id_, outs, props).changes is False


def test_a_failed_undo_is_taken_over_by_the_next_create(
    store_config: dict[str, Any],
    stats: Stats,
    api: ExotelClient,
) -> None:
    sid = api.create_trunk("t_undo").trunk_sid
    config = {**store_config, "exotel:maxRetries": "0"}
    credentials = engine_for(DigestCredentialProvider(), config)
    # The edge check fails (no edge at edge.example.test), and so does the undo's DELETE.
    stats.fault("status", "DELETE", "/credentials", count=5)
    props = {
        "trunk_sid": sid,
        "user_name": "undo_user",
        "password": "Abc_12345678",
        IDENTITY: "proj/stack/DigestCredential/u",
    }
    with pytest.raises(ExotelProviderError):
        credentials.create({**props, "verify_at_edge": True})
    left = api.list_digest_credentials(sid)
    assert [c.user_name for c in left] == ["undo_user"]  # the undo failed: still there
    stats.clear_faults()

    id_, _outs = credentials.create(props)  # the next up: taken over, not "already exists"

    assert id_ == f"{sid}/{left[0].id}"
    assert len(api.list_digest_credentials(sid)) == 1
