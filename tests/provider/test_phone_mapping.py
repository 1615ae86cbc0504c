"""PhoneMappingProvider against the emulator: a DID on a trunk, its mode, adoption, refresh."""

from __future__ import annotations

import httpx
import pytest
from pulumi.output import Unknown

from pulumi_exotel.client import ExotelClient
from pulumi_exotel.resources.base import ExotelProviderError
from tests.conftest import Stats
from tests.provider.conftest import Engine

pytestmark = pytest.mark.provider

DID = "+918047091234"


def test_check_refuses_bad_inputs_before_any_request(mappings: Engine, stats: Stats) -> None:
    failures = mappings.failures(
        {"trunk_sid": "trmum1/../x", "phone_number": "08047091234", "mode": "ivr"}
    )
    assert set(failures) == {"trunk_sid", "phone_number", "mode"}
    assert failures["phone_number"].startswith("phone_number '08047091234' is invalid: ")
    assert "E.164" in failures["phone_number"]
    assert "'pstn'" in failures["mode"]
    assert set(mappings.failures({})) == {"trunk_sid", "phone_number"}
    assert mappings.failures({"trunk_sid": Unknown(), "phone_number": DID}) == {}
    assert stats.total() == 0


def test_create_defaults_to_pstn_and_read_agrees(mappings: Engine, trunk_sid: str) -> None:
    id_, outs = mappings.create({"trunk_sid": trunk_sid, "phone_number": DID})
    assert id_ == f"{trunk_sid}/{outs['mapping_id']}"
    assert outs["mode"] == "pstn"
    assert outs["date_created"] and outs["date_updated"]
    assert mappings.read(id_, outs) == (id_, outs)


def test_diff_is_local_and_says_update_or_replace(
    mappings: Engine, trunk_sid: str, stats: Stats
) -> None:
    id_, outs = mappings.create({"trunk_sid": trunk_sid, "phone_number": DID})
    stats.reset()
    assert mappings.diff(id_, outs, {"trunk_sid": trunk_sid, "phone_number": DID}).changes is False
    flow = mappings.diff(id_, outs, {"trunk_sid": trunk_sid, "phone_number": DID, "mode": "flow"})
    assert (flow.changes, flow.replaces) == (True, [])
    other_number = mappings.diff(
        id_, outs, {"trunk_sid": trunk_sid, "phone_number": "+14155550100"}
    )
    assert other_number.replaces == ["phone_number"]
    assert other_number.delete_before_replace is False
    # The same number on another trunk: a number maps once per account, so unmap it first.
    moved = mappings.diff(id_, outs, {"trunk_sid": "trmum1other", "phone_number": DID})
    assert moved.replaces == ["trunk_sid"]
    assert moved.delete_before_replace is True
    assert stats.total() == 0


def test_mode_null_in_exotel_equals_pstn(mappings: Engine, trunk_sid: str) -> None:
    id_, outs = mappings.create({"trunk_sid": trunk_sid, "phone_number": DID})
    assert (
        mappings.diff(
            id_, {**outs, "mode": None}, {"trunk_sid": trunk_sid, "phone_number": DID}
        ).changes
        is False
    )


def test_update_changes_mode_in_place(mappings: Engine, trunk_sid: str, api: ExotelClient) -> None:
    id_, outs = mappings.create({"trunk_sid": trunk_sid, "phone_number": DID})
    outs = mappings.update(id_, outs, {"trunk_sid": trunk_sid, "phone_number": DID, "mode": "flow"})
    assert outs["mode"] == "flow"
    assert outs["mapping_id"] == id_.split("/")[1]
    [mapping] = api.list_phone_mappings(trunk_sid)
    assert (mapping.id, mapping.mode) == (outs["mapping_id"], "flow")
    assert mappings.read(id_, outs) == (id_, outs)


def test_an_existing_mapping_is_an_error_unless_adopted(
    mappings: Engine, trunk_sid: str, emulator_api: httpx.Client
) -> None:
    # Mapped outside Pulumi without a mode: Exotel stores null.
    emulator_api.post(f"/trunks/{trunk_sid}/phone-numbers", json={"phone_number": DID})
    news = {"trunk_sid": trunk_sid, "phone_number": DID}
    with pytest.raises(ExotelProviderError, match="already exists.*adopt=True"):
        mappings.create(news)
    id_, outs = mappings.create({**news, "adopt": True})
    assert outs["mode"] == "pstn"
    assert mappings.diff(id_, outs, news).changes is False
    id_again, outs = mappings.read(id_, outs)
    assert id_again == id_


def test_adopting_a_number_mapped_to_another_trunk_says_so(
    mappings: Engine, trunk_sid: str, api: ExotelClient
) -> None:
    other = api.create_trunk("other")
    api.create_phone_mapping(other.trunk_sid, DID)
    with pytest.raises(ExotelProviderError, match="mapped to another trunk"):
        mappings.create({"trunk_sid": trunk_sid, "phone_number": DID, "adopt": True})


def test_a_mapping_on_a_deleted_trunk_reads_as_gone(
    mappings: Engine, trunk_sid: str, api: ExotelClient
) -> None:
    id_, outs = mappings.create({"trunk_sid": trunk_sid, "phone_number": DID})
    api.delete_trunk(trunk_sid)
    assert mappings.read(id_, outs) == ("", {})
    mappings.delete(id_, outs)


def test_a_malformed_id_says_the_expected_form(mappings: Engine) -> None:
    with pytest.raises(ExotelProviderError, match=r"expected '<trunk_sid>/<mapping_id>'"):
        mappings.read("41512", {"phone_number": DID})
