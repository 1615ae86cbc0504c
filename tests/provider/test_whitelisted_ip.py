"""WhitelistedIpProvider against the emulator: one public IPv4 on a trunk's ACL."""

from __future__ import annotations

import pytest

from pulumi_exotel.client import ExotelClient
from pulumi_exotel.resources.base import ExotelProviderError
from tests.conftest import Stats
from tests.provider.conftest import Engine

pytestmark = pytest.mark.provider

IP = "44.248.146.11"


@pytest.mark.parametrize(
    ("ip", "mask", "field", "words"),
    [
        ("10.0.0.5", 32, "ip", "public IPv4"),
        ("203.0.113.50", 32, "ip", "RFC 5737"),
        ("44.248.146", 32, "ip", "IPv4 address"),
        (IP, 24, "mask", "one IP, not a CIDR range"),
    ],
)
def test_check_refuses_bad_inputs_before_any_request(
    acls: Engine, stats: Stats, trunk_sid: str, ip: str, mask: int, field: str, words: str
) -> None:
    stats.reset()
    failures = acls.failures({"trunk_sid": trunk_sid, "ip": ip, "mask": mask})
    assert list(failures) == [field]
    assert words in failures[field]
    assert stats.total() == 0


def test_create_defaults_mask_32_and_read_agrees(acls: Engine, trunk_sid: str) -> None:
    id_, outs = acls.create({"trunk_sid": trunk_sid, "ip": IP})
    assert id_ == f"{trunk_sid}/{outs['acl_id']}"
    assert (outs["ip"], outs["mask"]) == (IP, 32)
    assert acls.read(id_, outs) == (id_, outs)


def test_diff_is_local_and_every_change_replaces(
    acls: Engine, trunk_sid: str, stats: Stats
) -> None:
    id_, outs = acls.create({"trunk_sid": trunk_sid, "ip": IP})
    stats.reset()
    assert acls.diff(id_, outs, {"trunk_sid": trunk_sid, "ip": IP, "mask": 32}).changes is False
    moved = acls.diff(id_, outs, {"trunk_sid": trunk_sid, "ip": "44.248.146.12"})
    assert (moved.changes, moved.replaces) == (True, ["ip"])
    assert moved.delete_before_replace is False  # the new address is allowed before the old goes
    assert acls.diff(id_, outs, {"trunk_sid": "trmum1other", "ip": IP}).replaces == ["trunk_sid"]
    assert stats.total() == 0


def test_replacement_creates_the_new_entry_beside_the_old(
    acls: Engine, trunk_sid: str, api: ExotelClient
) -> None:
    id_, outs = acls.create({"trunk_sid": trunk_sid, "ip": IP})
    new_id, _ = acls.create({"trunk_sid": trunk_sid, "ip": "44.248.146.12"})
    acls.delete(id_, outs)
    assert [e.ip for e in api.list_whitelisted_ips(trunk_sid)] == ["44.248.146.12"]
    assert new_id != id_


def test_an_existing_entry_is_an_error_unless_adopted(
    acls: Engine, trunk_sid: str, api: ExotelClient
) -> None:
    existing = api.create_whitelisted_ip(trunk_sid, IP)
    news = {"trunk_sid": trunk_sid, "ip": IP}
    with pytest.raises(ExotelProviderError, match="already exists.*adopt=True"):
        acls.create(news)
    id_, outs = acls.create({**news, "adopt": True})
    assert id_ == f"{trunk_sid}/{existing.id}"
    assert acls.diff(id_, outs, news).changes is False


def test_an_existing_range_entry_is_not_adopted_as_a_single_address(
    acls: Engine, trunk_sid: str, api: ExotelClient
) -> None:
    api.create_whitelisted_ip(trunk_sid, IP, mask=24)
    with pytest.raises(ExotelProviderError, match="mask is /24"):
        acls.create({"trunk_sid": trunk_sid, "ip": IP, "adopt": True})
