"""DigestCredentialProvider against the emulator: generated names and passwords, rotation,
in-place password changes, adoption, refresh, and that a password never shows in a message."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pulumi.output import Unknown

from pulumi_exotel.client import ExotelClient
from pulumi_exotel.resources import digest_credential
from pulumi_exotel.resources.base import ExotelProviderError
from pulumi_exotel.sip import VerifyResult
from tests.conftest import Stats
from tests.provider.conftest import Engine

pytestmark = pytest.mark.provider

PASSWORD = "Correct_Horse_Battery_9"
PUT_ROUTE = "PUT /v2/accounts/{account_sid}/trunks/{trunk_sid}/credentials/{id}"


def fixed(trunk_sid: str, **more: Any) -> dict[str, Any]:
    return {"trunk_sid": trunk_sid, "user_name": "livekit_prod", "password": PASSWORD, **more}


def generated(trunk_sid: str, **more: Any) -> dict[str, Any]:
    return {"trunk_sid": trunk_sid, "user_name_prefix": "livekit", **more}


def test_check_refuses_bad_inputs_before_any_request(credentials: Engine, stats: Stats) -> None:
    failures = credentials.failures(
        {
            "trunk_sid": "trmum1abc",
            "user_name": "-bad name",
            "password": "short pw",
            "friendly_name": "livekit-prod",
            "keepers": ["2026-11"],
        }
    )
    assert set(failures) == {"user_name", "password", "friendly_name", "keepers"}
    assert failures["password"].startswith("password <secret> is invalid: ")
    assert "short pw" not in " ".join(failures.values())
    both = credentials.failures(
        {"trunk_sid": "trmum1abc", "user_name": "a", "user_name_prefix": "b"}
    )
    assert "cannot be combined" in both["user_name_prefix"]
    adopt_without_password = credentials.failures(
        {"trunk_sid": "trmum1abc", "user_name": "a", "adopt": True}
    )
    assert "required with adopt=True" in adopt_without_password["password"]
    assert credentials.failures({"trunk_sid": Unknown(), "password": Unknown()}) == {}
    assert stats.total() == 0


def test_check_gives_a_default_prefix_and_never_generates_secrets(
    credentials: Engine, stats: Stats
) -> None:
    inputs = credentials.check({"trunk_sid": "trmum1abc"})
    assert inputs["user_name_prefix"] == "pulumi"
    # Checked inputs land unencrypted in state: a password must not be invented here.
    assert "password" not in inputs and "user_name" not in inputs
    assert stats.total() == 0


def test_create_generates_user_name_and_password(
    credentials: Engine, trunk_sid: str, api: ExotelClient
) -> None:
    id_, outs = credentials.create(generated(trunk_sid, friendly_name="livekit_prod"))
    assert re.fullmatch(r"livekit_[0-9a-f]{8}", outs["user_name"])
    assert re.fullmatch(r"[A-Za-z0-9_]{32}", outs["password"])
    assert outs["sip_realm"] == "demo1.pstn.exotel.com"
    assert id_ == f"{trunk_sid}/{outs['credential_id']}"
    [remote] = api.list_digest_credentials(trunk_sid)
    assert (remote.user_name, remote.friendly_name) == (outs["user_name"], "livekit_prod")
    other_id, other = credentials.create(generated(trunk_sid))
    assert other["password"] != outs["password"]
    assert other["user_name"] != outs["user_name"]


def test_read_keeps_the_password_and_does_not_hand_it_back_as_an_input(
    credentials: Engine, trunk_sid: str
) -> None:
    id_, outs = credentials.create(generated(trunk_sid, keepers={"rotation": "1"}))
    result = credentials.provider.read(id_, {**outs, "__provider": "p"})
    assert result.id == id_
    assert result.outs == outs
    assert result.inputs is not None
    assert "password" not in result.inputs
    assert "user_name" not in result.inputs  # generated, not given
    assert result.inputs["user_name_prefix"] == "livekit"
    assert result.inputs["keepers"] == {"rotation": "1"}


def test_diff_is_local_rotation_replaces_and_password_updates(
    credentials: Engine, trunk_sid: str, stats: Stats
) -> None:
    gen_id, gen = credentials.create(generated(trunk_sid, keepers={"rotation": "1"}))
    fix_id, fix = credentials.create(fixed(trunk_sid, keepers={"rotation": "1"}))
    stats.reset()

    assert (
        credentials.diff(gen_id, gen, generated(trunk_sid, keepers={"rotation": "1"})).changes
        is False
    )
    rotated = credentials.diff(gen_id, gen, generated(trunk_sid, keepers={"rotation": "2"}))
    assert rotated.replaces == ["keepers"]
    assert rotated.delete_before_replace is False  # new credential first: no downtime
    renamed = credentials.diff(
        gen_id, gen, generated(trunk_sid, user_name_prefix="retell", keepers={"rotation": "1"})
    )
    assert renamed.replaces == ["user_name_prefix"]
    relabelled = credentials.diff(
        gen_id, gen, generated(trunk_sid, friendly_name="x", keepers={"rotation": "1"})
    )
    assert (relabelled.changes, relabelled.replaces) == (True, [])

    assert (
        credentials.diff(fix_id, fix, fixed(trunk_sid, keepers={"rotation": "1"})).changes is False
    )
    new_password = credentials.diff(
        fix_id, fix, fixed(trunk_sid, password="Another_Secret_42", keepers={"rotation": "1"})
    )
    assert (new_password.changes, new_password.replaces) == (True, [])
    password_dropped = credentials.diff(
        fix_id, fix, {**fixed(trunk_sid, keepers={"rotation": "1"}), "password": None}
    )
    assert password_dropped.changes is False  # keeps the current password
    # Same user name on the same trunk cannot exist twice: delete first.
    fixed_rotated = credentials.diff(fix_id, fix, fixed(trunk_sid, keepers={"rotation": "2"}))
    assert fixed_rotated.replaces == ["keepers"]
    assert fixed_rotated.delete_before_replace is True
    new_name = credentials.diff(
        fix_id, fix, fixed(trunk_sid, user_name="other", keepers={"rotation": "1"})
    )
    assert (new_name.replaces, new_name.delete_before_replace) == (["user_name"], False)
    assert stats.total() == 0


def test_update_changes_password_and_label_in_place(
    credentials: Engine, trunk_sid: str, api: ExotelClient, stats: Stats
) -> None:
    id_, outs = credentials.create(fixed(trunk_sid, friendly_name="old"))
    stats.reset()
    outs = credentials.update(id_, outs, fixed(trunk_sid, password="Another_Secret_42"))
    assert outs["password"] == "Another_Secret_42"
    assert outs["credential_id"] == id_.split("/")[1]
    assert outs["friendly_name"] in (None, "")
    assert stats.routes() == {PUT_ROUTE: 1}
    [remote] = api.list_digest_credentials(trunk_sid)
    assert (remote.id, remote.friendly_name or "") == (outs["credential_id"], "")


def test_rotation_creates_the_new_credential_before_the_old_goes(
    credentials: Engine, trunk_sid: str, api: ExotelClient
) -> None:
    old_id, old = credentials.create(generated(trunk_sid, keepers={"rotation": "1"}))
    new_id, new = credentials.create(generated(trunk_sid, keepers={"rotation": "2"}))
    assert len(api.list_digest_credentials(trunk_sid)) == 2  # both live during the switch
    credentials.delete(old_id, old)
    assert [c.user_name for c in api.list_digest_credentials(trunk_sid)] == [new["user_name"]]
    assert (new_id, new["password"]) != (old_id, old["password"])


def test_an_existing_user_name_is_an_error_unless_adopted(
    credentials: Engine, trunk_sid: str, api: ExotelClient, stats: Stats
) -> None:
    existing = api.create_digest_credential(
        trunk_sid, "livekit_prod", "Unknown_Old_Pass_1", friendly_name="legacy"
    )
    with pytest.raises(ExotelProviderError, match="already exists.*adopt=True") as caught:
        credentials.create(fixed(trunk_sid))
    assert "Exotel code 1008" in str(caught.value)
    assert PASSWORD not in str(caught.value)

    stats.reset()
    news = fixed(trunk_sid, friendly_name="livekit_prod", adopt=True)
    id_, outs = credentials.create(news)
    assert id_ == f"{trunk_sid}/{existing.id}"
    assert stats.routes()[PUT_ROUTE] == 1  # the supplied password is set, so state is true
    assert outs["password"] == PASSWORD
    assert outs["friendly_name"] == "livekit_prod"
    assert credentials.diff(id_, outs, news).changes is False


def test_adopting_with_a_trusted_password_changes_nothing_at_exotel(
    credentials: Engine, trunk_sid: str, api: ExotelClient, stats: Stats
) -> None:
    existing = api.create_digest_credential(trunk_sid, "livekit_prod", PASSWORD)
    stats.reset()
    news = fixed(trunk_sid, adopt=True, password_on_adopt="trust")
    id_, outs = credentials.create(news)
    assert id_ == f"{trunk_sid}/{existing.id}"
    assert PUT_ROUTE not in stats.routes()  # Exotel's password and dates stay as they were
    assert api.find_digest_credential(trunk_sid, "livekit_prod") == existing
    assert outs["password"] == PASSWORD
    assert credentials.diff(id_, outs, news).changes is False

    failures = credentials.failures(fixed(trunk_sid, adopt=True, password_on_adopt="keep"))
    assert failures == {"password_on_adopt": failures["password_on_adopt"]}
    assert "'set'" in failures["password_on_adopt"] and "'trust'" in failures["password_on_adopt"]


def test_errors_never_carry_the_password(credentials: Engine, trunk_sid: str, stats: Stats) -> None:
    stats.fault("status", "POST", "/credentials$", status=400)
    with pytest.raises(ExotelProviderError) as caught:
        credentials.create(fixed(trunk_sid))
    assert "Could not create digest credential" in str(caught.value)
    assert PASSWORD not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


class FakeEdge:
    """Stands in for ``sip.verify_credential``; records what it was asked."""

    def __init__(self, outcome: str) -> None:
        self.outcome = outcome
        self.calls: list[tuple[Any, ...]] = []

    def __call__(
        self, edge: str, transport: str, realm: str, user: str, password: str, **kw: Any
    ) -> VerifyResult:
        self.calls.append((edge, transport, realm, user, password, kw.get("ca_file")))
        status = {"accepted": 200, "rejected": 403}[self.outcome]
        return VerifyResult(self.outcome, status, "test", 2, 1.0)  # type: ignore[arg-type]


@pytest.fixture
def fake_edge(monkeypatch: pytest.MonkeyPatch) -> FakeEdge:
    edge = FakeEdge("accepted")
    monkeypatch.setattr("pulumi_exotel.sip.verify_credential", edge)
    monkeypatch.setattr(digest_credential, "_VERIFY_PAUSE_SECONDS", 0.0)
    return edge


def test_verify_at_edge_asks_the_configured_edge_over_tls(
    credentials: Engine, trunk_sid: str, fake_edge: FakeEdge
) -> None:
    _, outs = credentials.create(fixed(trunk_sid, verify_at_edge=True))
    assert fake_edge.calls == [
        ("edge.example.test:443", "tls", "demo1.pstn.exotel.com", "livekit_prod", PASSWORD, None)
    ]
    assert outs["verify_at_edge"] is True


def test_a_credential_the_edge_rejects_is_deleted_again(
    credentials: Engine, trunk_sid: str, api: ExotelClient, fake_edge: FakeEdge
) -> None:
    fake_edge.outcome = "rejected"
    with pytest.raises(
        ExotelProviderError, match="did not accept credential 'livekit_prod'"
    ) as caught:
        credentials.create(fixed(trunk_sid, verify_at_edge=True))
    assert "rejected 403" in str(caught.value)
    assert PASSWORD not in str(caught.value)
    assert len(fake_edge.calls) == 3  # a new credential may take a moment to reach the edge
    assert api.list_digest_credentials(trunk_sid) == []


TRUNK_READ = "GET /v2/accounts/{account_sid}/trunks"
POST_ROUTE = "POST /v2/accounts/{account_sid}/trunks/{trunk_sid}/credentials"


def test_a_create_with_the_trunks_realm_is_one_request(
    credentials: Engine, api: ExotelClient, stats: Stats
) -> None:
    trunk = api.create_trunk("realm_given", domain_name="pbx.pstn.exotel.com")
    stats.reset()
    _, outs = credentials.create(generated(trunk.trunk_sid, sip_realm="pbx.pstn.exotel.com"))
    assert stats.routes() == {POST_ROUTE: 1}
    assert outs["sip_realm"] == "pbx.pstn.exotel.com"


def test_without_the_realm_the_trunk_is_read_once_for_all_its_credentials(
    credentials: Engine, api: ExotelClient, stats: Stats
) -> None:
    trunk = api.create_trunk("realm_read", domain_name="office.pstn.exotel.com")
    stats.reset()
    realms = {credentials.create(generated(trunk.trunk_sid))[1]["sip_realm"] for _ in range(4)}
    assert realms == {"office.pstn.exotel.com"}
    assert stats.routes() == {TRUNK_READ: 1, POST_ROUTE: 4}


def test_wiring_the_realm_later_changes_nothing(
    credentials: Engine, trunk_sid: str, stats: Stats
) -> None:
    id_, outs = credentials.create(generated(trunk_sid))
    stats.reset()
    wired = credentials.diff(id_, outs, generated(trunk_sid, sip_realm=Unknown()))
    assert wired.changes is False
    wired = credentials.diff(id_, outs, generated(trunk_sid, sip_realm="demo1.pstn.exotel.com"))
    assert wired.changes is False
    assert stats.total() == 0
