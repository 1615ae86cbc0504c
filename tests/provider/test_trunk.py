"""TrunkProvider against the emulator: check, diff, create, update, replace, adopt, delete."""

from __future__ import annotations

import pytest
from pulumi.output import Unknown

from pulumi_exotel.client import ExotelClient
from pulumi_exotel.resources.base import ExotelProviderError
from tests.conftest import Stats
from tests.provider.conftest import Engine

pytestmark = pytest.mark.provider

CALLER_ID = "+918047091234"


def test_check_refuses_bad_inputs_before_any_request(trunks: Engine, stats: Stats) -> None:
    failures = trunks.failures(
        {
            "trunk_name": "voice-ai",
            "nso_code": "any any",
            "domain_name": "demo1.example.com",
            "caller_id": "08047091234",
        }
    )
    assert set(failures) == {"trunk_name", "nso_code", "domain_name", "caller_id"}
    assert failures["trunk_name"].startswith("trunk_name 'voice-ai' is invalid: ")
    assert "ANY-ANY" in failures["nso_code"]
    assert ".pstn.exotel.com" in failures["domain_name"]
    assert "E.164" in failures["caller_id"]
    assert trunks.failures({}) == {"trunk_name": "trunk_name is required"}
    assert stats.total() == 0


def test_check_lets_unknown_values_through_and_fills_defaults(trunks: Engine, stats: Stats) -> None:
    assert trunks.failures({"trunk_name": Unknown(), "caller_id": Unknown()}) == {}
    inputs = trunks.check({"trunk_name": "voice_ai"})
    assert inputs["nso_code"] == "ANY-ANY"
    assert "domain_name" not in inputs  # the account default is applied at create time
    assert stats.total() == 0


def test_create_reports_every_output_and_read_agrees(trunks: Engine, api: ExotelClient) -> None:
    id_, outs = trunks.create({"trunk_name": "voice_ai", "caller_id": CALLER_ID})
    assert outs["trunk_sid"] == id_
    assert outs["domain_name"] == outs["sip_realm"] == "demo1.pstn.exotel.com"
    assert outs["inbound_dial_uri"] == f"sip:{id_}"
    assert outs["edge_tcp"] == "edge.example.test:5070"
    assert outs["edge_tls"] == "edge.example.test:443"
    assert outs["status"] == "active"
    for key in (
        "auth_type",
        "registration_enabled",
        "secure_trunking",
        "edge_preference",
        "date_created",
        "date_updated",
    ):
        assert outs[key], key
    setting = api.find_trunk_setting(id_, "trunk_external_alias")
    assert setting is not None and setting.value == CALLER_ID

    read_id, read_outs = trunks.read(id_, outs)
    assert read_id == id_
    assert read_outs == outs


def test_diff_is_local_and_says_update_or_replace(trunks: Engine, stats: Stats) -> None:
    id_, outs = trunks.create({"trunk_name": "voice_ai"})
    stats.reset()
    same = trunks.diff(id_, outs, {"trunk_name": "voice_ai"})
    assert same.changes is False
    explicit_default = trunks.diff(
        id_, outs, {"trunk_name": "voice_ai", "domain_name": "DEMO1.pstn.exotel.com"}
    )
    assert explicit_default.changes is False
    renamed = trunks.diff(id_, outs, {"trunk_name": "voice_ai_2", "caller_id": CALLER_ID})
    assert (renamed.changes, renamed.replaces) == (True, [])
    moved = trunks.diff(id_, outs, {"trunk_name": "voice_ai", "domain_name": "x.pstn.exotel.com"})
    assert moved.replaces == ["domain_name"]
    # Same name: the old trunk must go first (names are unique per account).
    assert moved.delete_before_replace is True
    moved_renamed = trunks.diff(
        id_, outs, {"trunk_name": "other", "domain_name": "x.pstn.exotel.com"}
    )
    assert moved_renamed.delete_before_replace is False
    pending = trunks.diff(id_, outs, {"trunk_name": Unknown()})
    assert pending.changes is True
    assert stats.total() == 0


def test_update_renames_and_sets_caller_id_in_place(trunks: Engine, api: ExotelClient) -> None:
    id_, outs = trunks.create({"trunk_name": "voice_ai"})
    outs = trunks.update(id_, outs, {"trunk_name": "voice_ai_2", "caller_id": CALLER_ID})
    assert outs["trunk_sid"] == id_
    assert outs["trunk_name"] == "voice_ai_2"
    assert api.get_trunk(id_).trunk_name == "voice_ai_2"
    assert api.find_trunk_setting(id_, "trunk_external_alias") is not None

    outs = trunks.update(id_, outs, {"trunk_name": "voice_ai_2"})
    assert outs["caller_id"] is None
    assert api.find_trunk_setting(id_, "trunk_external_alias") is None
    assert trunks.read(id_, outs) == (id_, outs)


def test_replacing_the_domain_makes_a_new_trunk(trunks: Engine, api: ExotelClient) -> None:
    id_, outs = trunks.create({"trunk_name": "voice_ai"})
    news = {"trunk_name": "voice_ai", "domain_name": "branch.pstn.exotel.com"}
    assert trunks.diff(id_, outs, news).replaces == ["domain_name"]
    trunks.delete(id_, outs)  # delete-before-replace, as the diff asked
    new_id, new_outs = trunks.create(news)
    assert new_id != id_
    assert new_outs["sip_realm"] == "branch.pstn.exotel.com"
    assert [t.trunk_sid for t in api.list_trunks()] == [new_id]


def test_an_existing_trunk_is_an_error_unless_adopted(trunks: Engine, api: ExotelClient) -> None:
    existing = api.create_trunk("voice_ai")
    api.set_trunk_settings(existing.trunk_sid, {"trunk_external_alias": "+14155550100"})
    with pytest.raises(ExotelProviderError, match="already exists") as caught:
        trunks.create({"trunk_name": "voice_ai"})
    assert "adopt=True" in str(caught.value)

    news = {"trunk_name": "voice_ai", "caller_id": CALLER_ID, "adopt": True}
    id_, outs = trunks.create(news)
    assert id_ == existing.trunk_sid
    assert outs["caller_id"] == CALLER_ID  # brought in line with the program
    setting = api.find_trunk_setting(id_, "trunk_external_alias")
    assert setting is not None and setting.value == CALLER_ID
    assert trunks.diff(id_, outs, news).changes is False
    assert len(api.list_trunks()) == 1


def test_adopting_a_trunk_with_another_domain_is_refused(trunks: Engine, api: ExotelClient) -> None:
    api.create_trunk("voice_ai", domain_name="branch.pstn.exotel.com")
    with pytest.raises(ExotelProviderError, match="domain_name=.branch.pstn.exotel.com."):
        trunks.create({"trunk_name": "voice_ai", "adopt": True})


def test_out_of_band_delete_reads_as_gone_and_delete_is_idempotent(
    trunks: Engine, api: ExotelClient
) -> None:
    id_, outs = trunks.create({"trunk_name": "voice_ai"})
    api.delete_trunk(id_)
    gone_id, gone_outs = trunks.read(id_, outs)
    assert (gone_id, gone_outs) == ("", {})
    trunks.delete(id_, outs)
    trunks.delete(id_, outs)


def test_a_lost_create_response_still_ends_with_one_trunk(
    trunks: Engine, api: ExotelClient, stats: Stats
) -> None:
    stats.fault("drop_response", "POST", "/trunks$")
    id_, outs = trunks.create({"trunk_name": "voice_ai", "caller_id": CALLER_ID})
    assert [t.trunk_sid for t in api.list_trunks()] == [id_]
    assert outs["caller_id"] == CALLER_ID
    assert stats.routes()["POST /v2/accounts/{account_sid}/trunks"] == 1


def test_a_failed_caller_id_leaves_no_orphan_trunk(
    trunks: Engine, api: ExotelClient, stats: Stats
) -> None:
    stats.fault("status", "POST", "/settings$", status=400)
    with pytest.raises(ExotelProviderError, match="Could not create trunk"):
        trunks.create({"trunk_name": "voice_ai", "caller_id": CALLER_ID})
    assert api.list_trunks() == []
