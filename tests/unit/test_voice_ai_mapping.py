"""The field mapping, called with plain values, gives the body the helpers give.

Platform-side resources (`pulumi_exotel.platforms.*`) build their requests with
`PlatformCall.body` from the values in their props; the helpers render the same call from
Outputs. Both must produce the same body, and every argument a helper takes must reach its field.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import pytest

from pulumi_exotel.voice_ai import PROFILES, retell
from tests.unit import test_voice_ai_common as common
from tests.unit.test_voice_ai_common import DID, EDGE_TCP, EDGE_TLS, PASSWORD, USER_NAME

pytestmark = pytest.mark.unit

CALLS = [(profile, call) for profile in PROFILES for call in profile.calls]


def _argument_value(name: str) -> str:
    # Pipecat checks its callee as E.164; every other argument is passed through as given.
    return common.CALLEE if name == "to" else f"value-of-{name}"


@pytest.mark.parametrize(("profile", "call"), CALLS, ids=[f"{p.key}.{c.helper}" for p, c in CALLS])
def test_plain_values_give_the_helpers_body(profile: Any, call: Any) -> None:
    helper = getattr(importlib.import_module(f"pulumi_exotel.voice_ai.{profile.key}"), call.helper)
    parameters = inspect.signature(helper).parameters
    transport = parameters["transport"].default if "transport" in parameters else None
    s = common.stand_ins()
    exotel_inputs = {
        "trunk": s.trunk,
        "credential": s.credential,
        "phone_number": s.did,
        "numbers": [s.did],
        "whitelisted_ip": s.acl,
    }
    # Every argument of the call, and the Exotel inputs the helper requires; defaults otherwise.
    kwargs = {
        name: exotel_inputs.get(name, _argument_value(name))
        for name, parameter in parameters.items()
        if name in call.arguments or parameter.default is inspect.Parameter.empty
    }
    rendered, _ = common.resolve(helper(**kwargs))

    plain = call.body(
        transport=transport,
        edge=EDGE_TCP if transport == "tcp" else EDGE_TLS,
        user_name=USER_NAME,
        password=PASSWORD,
        numbers=[DID],
        sip_domain=common.ACCOUNT_DOMAIN,
        **{name: _argument_value(name) for name in call.arguments},
    )
    assert plain == rendered


def test_a_platform_resource_finds_its_call_by_the_helper_name() -> None:
    call = retell.PROFILE.call("update_phone_number")
    body = call.body(
        transport="tcp", edge=EDGE_TCP, user_name=USER_NAME, password=PASSWORD, numbers=[DID]
    )
    assert body == {
        "phone_number": DID,
        "termination_uri": EDGE_TCP,
        "transport": "TCP",
        "auth_username": USER_NAME,
        "auth_password": PASSWORD,
    }
    with pytest.raises(KeyError, match="no call 'delete_phone_number'"):
        retell.PROFILE.call("delete_phone_number")


def test_a_value_not_given_leaves_its_field_out() -> None:
    call = retell.PROFILE.call("update_phone_number")
    body = call.body(edge=EDGE_TLS, user_name=USER_NAME, numbers=[DID])
    assert "auth_password" not in body
    assert body["auth_username"] == USER_NAME


def test_a_transport_the_call_does_not_allow_is_refused_with_plain_values_too() -> None:
    vapi = importlib.import_module("pulumi_exotel.voice_ai.vapi")
    call = vapi.PROFILE.call("byo_sip_trunk_credential")
    with pytest.raises(ValueError, match="TLS only"):
        call.body(transport="tcp", edge=EDGE_TCP, user_name=USER_NAME, password=PASSWORD)
