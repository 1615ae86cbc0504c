"""Emulator: property-based tests driven by its OpenAPI document (schemathesis).

Schemathesis generates valid and invalid requests for every operation and checks that the
emulator never answers 5xx, answers only documented statuses and content types, and that
every body matches the documented envelope schemas.

The document is the one ``/openapi.json`` serves (built from the same route table) and is
loaded at import time, because schemathesis' fixture-based loader does not work with this
pytest. To reach past "unknown trunk", ``account_sid`` is fixed to the authenticated account
and ``trunk_sid`` is narrowed to two well-formed sids: a placeholder the test swaps for a real
trunk (with an ACL entry and a credential), and one that does not exist.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from pulumi_exotel.emulator.accounts import DEFAULT_ACCOUNT
from pulumi_exotel.emulator.openapi import build_document
from pulumi_exotel.emulator.routes import ROUTES
from pulumi_exotel.emulator.server import EmulatorServer
from tests.conftest import create_trunk, ok_data

pytestmark = pytest.mark.api

REAL_SID_PLACEHOLDER = "trmum1" + "f" * 19 + "z9z"
UNKNOWN_SID = "trmum1" + "0" * 19 + "a1n"


def narrowed(document: dict[str, Any]) -> dict[str, Any]:
    for operations in document["paths"].values():
        for operation in operations.values():
            for parameter in operation["parameters"]:
                if parameter["name"] == "trunk_sid" and parameter["in"] == "path":
                    parameter["schema"] = {
                        "type": "string",
                        "enum": [REAL_SID_PLACEHOLDER, UNKNOWN_SID],
                    }
    return document


schema = schemathesis.openapi.from_dict(
    narrowed(build_document(ROUTES, account_sids=[DEFAULT_ACCOUNT.sid]))
)
schema.config.update(basic_auth=(DEFAULT_ACCOUNT.api_key, DEFAULT_ACCOUNT.api_token))


@pytest.fixture
def real_trunk_sid(emulator: EmulatorServer, emulator_api: httpx.Client) -> str:
    trunk_sid = create_trunk(emulator_api, "property_trunk")
    ok_data(emulator_api.post(f"/trunks/{trunk_sid}/whitelisted-ips", json={"ip": "44.248.146.11"}))
    ok_data(
        emulator_api.post(
            f"/trunks/{trunk_sid}/credentials", json={"user_name": "u", "password": "p"}
        )
    )
    return trunk_sid


def test_served_document_is_the_one_under_test(emulator: EmulatorServer) -> None:
    served = httpx.get(f"{emulator.base_url}/openapi.json").json()
    assert served == build_document(ROUTES, account_sids=["demo1", "other1"])
    assert len(served["paths"]) == 12
    assert sum(len(ops) for ops in served["paths"].values()) == len(ROUTES) == 25


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_server_error_and_every_response_keeps_the_envelope(
    case: Any, emulator: EmulatorServer, real_trunk_sid: str
) -> None:
    if case.path_parameters and case.path_parameters.get("trunk_sid") == REAL_SID_PLACEHOLDER:
        case.path_parameters["trunk_sid"] = real_trunk_sid
    case.call_and_validate(base_url=emulator.base_url)
