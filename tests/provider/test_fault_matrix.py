"""The fault matrix: five kinds x create/update/delete x five faults, provider tier against the
emulator. Each cell injects one fault on the operation's request, runs the operation the way the
engine does, and checks that it converged: it succeeded, and Exotel holds exactly one object with
the wanted values (none after a delete). The last test prints the matrix.

Faults: a 500; a burst of three 503s; a dropped response (the write is applied, the answer lost);
a burst of three 429s; a timeout (the answer comes after the client's 0.5 s timeout; the emulator
then no longer reads the request, so it is not applied).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_exotel.client import ExotelClient
from pulumi_exotel.resources.destination_uri import DestinationUriProvider
from pulumi_exotel.resources.digest_credential import DigestCredentialProvider
from pulumi_exotel.resources.intent import IDENTITY
from pulumi_exotel.resources.phone_mapping import PhoneMappingProvider
from pulumi_exotel.resources.trunk import TrunkProvider
from pulumi_exotel.resources.whitelisted_ip import WhitelistedIpProvider
from tests.provider.conftest import Engine, configure

pytestmark = pytest.mark.provider

FAULTS: dict[str, dict[str, Any]] = {
    "500": {"kind": "status", "status": 500, "count": 1},
    "503 burst": {"kind": "status", "status": 503, "count": 3},
    "dropped response": {"kind": "drop_response", "count": 1},
    "429 burst": {"kind": "rate_limit", "delay_ms": 0, "count": 3},
    "timeout": {"kind": "latency", "delay_ms": 1500, "count": 1},
}
OPERATIONS = {"create": "POST", "update": "PUT", "delete": "DELETE"}
MATRIX: dict[tuple[str, str, str], str] = {}


@dataclass
class Kind:
    """How to drive one resource kind through create, update and delete."""

    provider: Callable[[], Any]
    path_regex: str
    props: Callable[[str], dict[str, Any]]
    change: dict[str, Any] | None  # an in-place update; None: the kind has none
    listing: Callable[[ExotelClient, str], list[Any]]
    check: Callable[[Any, dict[str, Any]], bool]


KINDS: dict[str, Kind] = {
    "Trunk": Kind(
        TrunkProvider,
        r"/trunks(/[^/]+)?$",
        lambda _sid: {"trunk_name": "fm_trunk"},
        {"trunk_name": "fm_trunk2"},
        lambda api, _sid: [t for t in api.list_trunks() if t.trunk_name.startswith("fm_")],
        lambda obj, props: bool(obj.trunk_name == props["trunk_name"]),
    ),
    "PhoneMapping": Kind(
        PhoneMappingProvider,
        r"/phone-numbers",
        lambda sid: {"trunk_sid": sid, "phone_number": "+918047091234"},
        {"mode": "flow"},
        lambda api, sid: api.list_phone_mappings(sid),
        lambda obj, props: (obj.mode or "pstn") == props.get("mode", "pstn"),
    ),
    "WhitelistedIp": Kind(
        WhitelistedIpProvider,
        r"/whitelisted-ips",
        lambda sid: {"trunk_sid": sid, "ip": "44.248.146.11"},
        None,
        lambda api, sid: api.list_whitelisted_ips(sid),
        lambda obj, props: bool(obj.ip == props["ip"]),
    ),
    "DestinationUri": Kind(
        DestinationUriProvider,
        r"/destination-uris",
        lambda sid: {"trunk_sid": sid, "destination": "sip.example.com:5061;transport=tls"},
        {"priority": 7},
        lambda api, sid: api.list_destination_uris(sid),
        lambda obj, props: obj.priority == props.get("priority", 0),
    ),
    "DigestCredential": Kind(
        DigestCredentialProvider,
        r"/credentials",
        lambda sid: {"trunk_sid": sid, "user_name": "fm_user", "friendly_name": "one"},
        {"friendly_name": "two"},
        lambda api, sid: api.list_digest_credentials(sid),
        lambda obj, props: obj.friendly_name == props["friendly_name"],
    ),
}


def _inject(control: httpx.Client, method: str, path_regex: str, fault: dict[str, Any]) -> None:
    control.delete("/faults").raise_for_status()
    rule = {"method": method, "path_regex": path_regex, **fault}
    control.post("/faults", json=rule).raise_for_status()


def _cell(
    kind: Kind,
    operation: str,
    fault: dict[str, Any],
    engine: Engine,
    api: ExotelClient,
    control: httpx.Client,
    sid: str,
) -> str:
    props = {**kind.props(sid), IDENTITY: f"proj/stack/{operation}/{id(fault)}"}
    if operation == "update" and kind.change is None:
        return "n/a"
    if operation != "create":
        id_, outs = engine.create(props)
    _inject(control, OPERATIONS[operation], kind.path_regex, fault)
    try:
        if operation == "create":
            id_, outs = engine.create(props)
            wanted: dict[str, Any] | None = props
        elif operation == "update":
            wanted = {**props, **(kind.change or {})}
            engine.update(id_, outs, wanted)
        else:
            engine.delete(id_, outs)
            wanted = None
    except Exception as exc:  # reported in the matrix, then failed below
        return f"FAILED ({type(exc).__name__})"
    finally:
        control.delete("/faults").raise_for_status()
    objects = kind.listing(api, sid)
    if wanted is None:
        return "ok" if not objects else f"FAILED ({len(objects)} left)"
    if len(objects) != 1:
        return f"FAILED ({len(objects)} objects)"
    return "ok" if kind.check(objects[0], wanted) else "FAILED (values)"


@pytest.mark.parametrize("kind_name", list(KINDS))
def test_every_fault_converges(
    kind_name: str,
    config: dict[str, Any],
    emulator_control: httpx.Client,
    api: ExotelClient,
    tmp_path: Path,
) -> None:
    kind = KINDS[kind_name]
    provider = kind.provider()
    configure(
        provider,
        {
            **config,
            "exotel:timeoutSeconds": "0.5",
            "exotel:rateLimitStore": f"sqlite:///{tmp_path}/store.sqlite",
        },
    )
    engine = Engine(provider)
    for operation in OPERATIONS:
        for fault_name, fault in FAULTS.items():
            emulator_control.post("/reset").raise_for_status()
            sid = api.create_trunk("fm_parent").trunk_sid
            if kind_name == "Trunk":
                api.delete_trunk(sid)  # the trunk cell manages its own trunk
            MATRIX[(kind_name, operation, fault_name)] = _cell(
                kind, operation, fault, engine, api, emulator_control, sid
            )
    failed = {k: v for k, v in MATRIX.items() if k[0] == kind_name and v.startswith("FAILED")}
    assert not failed


def test_fault_matrix_summary(capsys: pytest.CaptureFixture[str]) -> None:
    """Prints the matrix (run after the kinds, in file order)."""
    if not MATRIX:
        pytest.skip("run together with test_every_fault_converges")
    width = max(len(f) for f in FAULTS) + 2
    lines = ["fault matrix (provider tier, emulator): kind / operation x fault"]
    lines.append(f"{'':28}" + "".join(f"{f:>{width}}" for f in FAULTS))
    for kind_name in KINDS:
        for operation in OPERATIONS:
            cells = [MATRIX.get((kind_name, operation, f), "-") for f in FAULTS]
            lines.append(
                f"{kind_name + ' ' + operation:28}" + "".join(f"{c:>{width}}" for c in cells)
            )
    converged = sum(v == "ok" for v in MATRIX.values())
    applicable = sum(v != "n/a" for v in MATRIX.values())
    lines.append(f"{converged}/{applicable} applicable cells converged")
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert converged == applicable
