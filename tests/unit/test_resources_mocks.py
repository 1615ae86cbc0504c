"""The public classes under ``pulumi.runtime.set_mocks``: type tokens, the inputs each class sends
to the engine, the outputs it exposes, and which of them are secret.

Mocks never call a dynamic provider, so ``Mocks.new_resource`` plays the provider here: it
answers with the inputs plus made-up computed outputs. What is under test is the wiring of the
classes, not provider behaviour (that is ``tests/provider``).
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any, TypeVar

import pulumi
import pytest
from pulumi.dynamic import ResourceProvider
from pulumi.runtime import rpc

import pulumi_exotel as exotel
from pulumi_exotel.resources.destination_uri import DestinationUriProvider
from pulumi_exotel.resources.digest_credential import DigestCredentialProvider
from pulumi_exotel.resources.phone_mapping import PhoneMappingProvider
from pulumi_exotel.resources.trunk import TrunkProvider
from pulumi_exotel.resources.whitelisted_ip import WhitelistedIpProvider

pytestmark = pytest.mark.unit

SID = "trmum1f708622631150902801a1n"
COMPUTED: dict[str, dict[str, Any]] = {
    "Trunk": {
        "trunk_sid": SID,
        "status": "active",
        "edge_tls": "in.voip.exotel.com:443",
        "sip_realm": "demo1.pstn.exotel.com",
        "inbound_dial_uri": f"sip:{SID}",
    },
    "PhoneMapping": {"mapping_id": "41512", "date_created": "2026-01-01T00:00:00Z"},
    "DigestCredential": {
        "credential_id": "1234",
        "user_name": "livekit_0a1b2c3d",
        "password": "Generated_password_32_characters",
        "sip_realm": "demo1.pstn.exotel.com",
    },
    "WhitelistedIp": {"acl_id": "1153", "mask": 32},
    "DestinationUri": {"destination_id": "2543", "type": "public", "priority": 0, "weight": 1},
}
IDS = {
    "Trunk": SID,
    "PhoneMapping": f"{SID}/41512",
    "DigestCredential": f"{SID}/1234",
    "WhitelistedIp": f"{SID}/1153",
    "DestinationUri": f"{SID}/2543",
}


class ProviderLikeMocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.registered: dict[str, pulumi.runtime.MockResourceArgs] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.registered[args.name] = args
        kind = args.typ.rsplit(":", 1)[-1]
        return IDS[kind], {**args.inputs, **COMPUTED[kind]}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[Any]]:
        return {}, []


MocksT = TypeVar("MocksT", bound=ProviderLikeMocks)


@pytest.fixture
def mocks() -> ProviderLikeMocks:
    return install(ProviderLikeMocks())


def install(mocks: MocksT) -> MocksT:
    # The SDK's mock runtime needs a current event loop; an earlier test may have closed it.
    asyncio.set_event_loop(asyncio.new_event_loop())
    pulumi.runtime.set_mocks(mocks, preview=False)
    return mocks


def program() -> dict[str, pulumi.CustomResource]:
    """The README's program, exactly as a user writes it."""
    trunk = exotel.Trunk("voice-ai", trunk_name="voice_ai_prod", caller_id="+918047091234")
    did = exotel.PhoneMapping(
        "did", trunk_sid=trunk.trunk_sid, phone_number="+918047091234", mode="pstn"
    )
    cred = exotel.DigestCredential(
        "livekit",
        trunk_sid=trunk.trunk_sid,
        user_name_prefix="livekit",
        friendly_name="livekit_prod",
        keepers={"rotation": "2026-11"},
    )
    acl = exotel.WhitelistedIp("sbc", trunk_sid=trunk.trunk_sid, ip="203.0.113.50")
    inbound = exotel.DestinationUri(
        "inbound",
        trunk_sid=trunk.trunk_sid,
        destination="sip.example.com:5061;transport=tls",
        whitelisted_ip=acl,
    )
    return {"trunk": trunk, "did": did, "cred": cred, "acl": acl, "inbound": inbound}


async def value(output: pulumi.Output[Any]) -> Any:
    return await output.future()


@pulumi.runtime.test
def test_type_tokens_and_inputs_reach_the_engine(mocks: ProviderLikeMocks) -> Any:
    res = program()

    async def checks() -> None:
        # Registration is asynchronous: wait for every resource, not only the last one.
        for resource in res.values():
            await value(resource.id)
        types = {name: args.typ for name, args in mocks.registered.items()}
        assert types == {
            "voice-ai": "pulumi-python:dynamic/exotel:Trunk",
            "did": "pulumi-python:dynamic/exotel:PhoneMapping",
            "livekit": "pulumi-python:dynamic/exotel:DigestCredential",
            "sbc": "pulumi-python:dynamic/exotel:WhitelistedIp",
            "inbound": "pulumi-python:dynamic/exotel:DestinationUri",
        }
        trunk = mocks.registered["voice-ai"].inputs
        assert (trunk["trunk_name"], trunk["caller_id"], trunk["adopt"]) == (
            "voice_ai_prod",
            "+918047091234",
            False,
        )
        assert "__provider" in trunk  # the pickled provider travels with every resource
        did = mocks.registered["did"].inputs
        assert (did["trunk_sid"], did["phone_number"], did["mode"]) == (
            SID,
            "+918047091234",
            "pstn",
        )
        cred = mocks.registered["livekit"].inputs
        assert (cred["user_name_prefix"], cred["friendly_name"], cred["keepers"]) == (
            "livekit",
            "livekit_prod",
            {"rotation": "2026-11"},
        )
        assert cred["verify_at_edge"] is False
        assert "password" not in cred  # generated by the provider, not the program
        inbound = mocks.registered["inbound"].inputs
        # Only the ACL entry's id is sent: it orders the two without shipping a resource.
        assert inbound["whitelisted_ip"] == f"{SID}/1153"
        assert inbound["destination"] == "sip.example.com:5061;transport=tls"

    return checks()


@pulumi.runtime.test
def test_every_documented_output_is_an_attribute(mocks: ProviderLikeMocks) -> Any:
    res = program()
    expected = {
        "trunk": [
            "trunk_sid",
            "trunk_name",
            "nso_code",
            "domain_name",
            "caller_id",
            "status",
            "auth_type",
            "registration_enabled",
            "secure_trunking",
            "edge_preference",
            "date_created",
            "date_updated",
            "inbound_dial_uri",
            "edge_tcp",
            "edge_tls",
            "sip_realm",
            "adopt",
        ],
        "did": [
            "trunk_sid",
            "phone_number",
            "mode",
            "mapping_id",
            "date_created",
            "date_updated",
            "adopt",
        ],
        "cred": [
            "trunk_sid",
            "user_name",
            "user_name_prefix",
            "password",
            "friendly_name",
            "keepers",
            "credential_id",
            "sip_realm",
            "date_created",
            "date_updated",
            "verify_at_edge",
            "adopt",
        ],
        "acl": ["trunk_sid", "ip", "mask", "acl_id", "date_created", "date_updated", "adopt"],
        "inbound": [
            "trunk_sid",
            "destination",
            "priority",
            "weight",
            "whitelisted_ip",
            "destination_id",
            "type",
            "date_created",
            "date_updated",
            "adopt",
        ],
    }
    for name, attributes in expected.items():
        for attribute in attributes:
            assert isinstance(getattr(res[name], attribute), pulumi.Output), (name, attribute)

    async def checks() -> None:
        assert await value(res["trunk"].edge_tls) == "in.voip.exotel.com:443"
        assert await value(res["trunk"].inbound_dial_uri) == f"sip:{SID}"
        assert await value(res["did"].mapping_id) == "41512"
        assert await value(res["cred"].user_name) == "livekit_0a1b2c3d"
        assert await value(res["acl"].id) == f"{SID}/1153"
        assert await value(res["inbound"].type) == "public"

    return checks()


@pulumi.runtime.test
def test_the_password_is_always_a_secret_output(mocks: ProviderLikeMocks) -> Any:
    res = program()
    given = exotel.DigestCredential(
        "given", trunk_sid=SID, user_name="pbx_user", password="Plain_text_in_program_1"
    )

    async def checks() -> None:
        for cred in (res["cred"], given):
            assert await cred.password.is_secret()
            assert not await cred.user_name.is_secret()
        # A password written in the program is sent as a secret input, so state encrypts it.
        sent = mocks.registered["given"].inputs["password"]
        assert isinstance(sent, dict) and sent.get("value") == "Plain_text_in_program_1"
        assert pulumi.runtime.rpc.is_rpc_secret(sent)

    return checks()


def test_additional_secret_outputs_is_requested_for_the_password() -> None:
    captured: dict[str, pulumi.ResourceOptions] = {}
    original = pulumi.dynamic.Resource.__init__

    def spy(
        self: Any, provider: Any, name: str, props: Any, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        captured[name] = opts or pulumi.ResourceOptions()
        raise RuntimeError("stop before registering")

    pulumi.dynamic.Resource.__init__ = spy  # type: ignore[method-assign]
    try:
        with pytest.raises(RuntimeError):
            exotel.DigestCredential("c", trunk_sid=SID, opts=pulumi.ResourceOptions(protect=True))
    finally:
        pulumi.dynamic.Resource.__init__ = original  # type: ignore[method-assign]
    assert captured["c"].additional_secret_outputs == ["password"]
    assert captured["c"].protect is True  # the user's options are kept


def test_the_package_surface() -> None:
    assert set(exotel.__all__) == {
        "Trunk",
        "PhoneMapping",
        "DigestCredential",
        "WhitelistedIp",
        "DestinationUri",
        "__version__",
    }
    assert exotel.__version__
    for name in exotel.__all__:
        assert getattr(exotel, name) is not None
    with pytest.raises(AttributeError):
        exotel.NotAResource  # noqa: B018


# --- docs/resources.md: every snippet is a program that runs and passes the providers' check ---

DOCS = Path(__file__).resolve().parents[2] / "docs" / "resources.md"
SNIPPETS = re.findall(r"```python\n(.*?)```", DOCS.read_text(), flags=re.S)
PROVIDERS: dict[str, type[ResourceProvider]] = {
    "Trunk": TrunkProvider,
    "PhoneMapping": PhoneMappingProvider,
    "DigestCredential": DigestCredentialProvider,
    "WhitelistedIp": WhitelistedIpProvider,
    "DestinationUri": DestinationUriProvider,
}


class CheckingMocks(ProviderLikeMocks):
    """Also runs each resource's provider ``check`` on what the program sent (no I/O)."""

    def __init__(self) -> None:
        super().__init__()
        self.failures: list[tuple[str, str, str]] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        kind = args.typ.rsplit(":", 1)[-1]
        inputs = {k: rpc.unwrap_rpc_secret(v) for k, v in args.inputs.items()}
        result = PROVIDERS[kind]().check({}, inputs)
        self.failures += [(args.name, f.property, f.reason) for f in result.failures]
        return super().new_resource(args)


def test_the_docs_have_a_snippet_per_resource() -> None:
    used = {kind for kind in PROVIDERS for snippet in SNIPPETS if f"exotel.{kind}(" in snippet}
    assert used == set(PROVIDERS)


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[f"snippet{i}" for i in range(len(SNIPPETS))])
def test_doc_snippets_run_and_pass_check(snippet: str) -> None:
    mocks = install(CheckingMocks())

    @pulumi.runtime.test
    def run() -> None:
        exec(compile(snippet, str(DOCS), "exec"), {})  # noqa: S102 - our own docs

    run()
    assert mocks.registered, "the snippet registered no resource"
    assert mocks.failures == []
