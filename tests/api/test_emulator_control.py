"""Emulator: the ``/_emulator/`` control API — health, reset, stats and fault injection."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from pulumi_exotel.emulator.server import EmulatorServer
from tests.conftest import create_trunk, error_of, listed, ok_data

pytestmark = pytest.mark.api

TRUNKS_ROUTE = "/v2/accounts/{account_sid}/trunks"
TRUNK = {"trunk_name": "t1", "nso_code": "ANY-ANY", "domain_name": "demo1.pstn.exotel.com"}


def inject(control: httpx.Client, **rule: Any) -> dict[str, Any]:
    response = control.post("/faults", json=rule)
    assert response.status_code == 201, response.text
    fault: dict[str, Any] = response.json()["fault"]
    return fault


def stats(control: httpx.Client) -> dict[str, Any]:
    result: dict[str, Any] = control.get("/stats").json()
    return result


def test_health_names_the_served_accounts(
    emulator: EmulatorServer, emulator_control: httpx.Client
) -> None:
    assert emulator_control.get("/health").json() == {
        "status": "ok",
        "accounts": ["demo1", "other1"],
    }


def test_reset_forgets_objects_faults_and_stats(
    emulator_control: httpx.Client, emulator_api: httpx.Client
) -> None:
    create_trunk(emulator_api, "doomed")
    inject(emulator_control, kind="status", status=500, path_regex="never-matches", count=None)
    emulator_control.post("/reset").raise_for_status()
    assert emulator_control.get("/faults").json() == {"faults": []}
    assert stats(emulator_control) == {"total": 0, "by_route": {}, "log": []}
    assert listed(emulator_api.get("/trunks")) == []


# -- stats ----------------------------------------------------------------------------------


def test_stats_count_requests_per_route_template(
    emulator_control: httpx.Client, emulator_api: httpx.Client
) -> None:
    sid = create_trunk(emulator_api, "counted")
    emulator_api.get("/trunks", params={"trunk_sid": sid})
    emulator_api.get(f"/trunks/{sid}")
    emulator_api.post(f"/trunks/{sid}/phone-numbers", json={"phone_number": "+919876543210"})
    mapping_id = listed(emulator_api.get(f"/trunks/{sid}/phone-numbers"))[0]["id"]
    emulator_api.put(
        f"/trunks/{sid}/phone-numbers/{mapping_id}",
        json={"phone_number": "+919876543210", "mode": "flow"},
    )
    emulator_api.get("/no-such-thing")
    emulator_control.get("/health")  # control calls are not counted

    snapshot = stats(emulator_control)
    assert snapshot["total"] == 7
    assert snapshot["by_route"] == {
        "POST /v2/accounts/{account_sid}/trunks": 1,
        "GET /v2/accounts/{account_sid}/trunks": 1,
        "GET /v2/accounts/{account_sid}/trunks/{trunk_sid}": 1,
        "POST /v2/accounts/{account_sid}/trunks/{trunk_sid}/phone-numbers": 1,
        "GET /v2/accounts/{account_sid}/trunks/{trunk_sid}/phone-numbers": 1,
        "PUT /v2/accounts/{account_sid}/trunks/{trunk_sid}/phone-numbers/{id}": 1,
        "GET (unmatched)": 1,
    }
    log = snapshot["log"]
    assert [entry["seq"] for entry in log] == list(range(1, 8))
    # "at" is the process's monotonic clock, in request order (to order across servers).
    times = [entry.pop("at") for entry in log]
    assert times == sorted(times)
    assert log[0] == {
        "seq": 1,
        "method": "POST",
        "path": "/v2/accounts/demo1/trunks",
        "query": "",
        "status": 200,
        "fault": None,
    }
    assert log[1]["query"] == f"trunk_sid={sid}"
    assert log[-1]["status"] == 404


def test_stats_reset_keeps_objects(
    emulator_control: httpx.Client, emulator_api: httpx.Client
) -> None:
    create_trunk(emulator_api, "kept")
    emulator_control.post("/stats/reset").raise_for_status()
    assert stats(emulator_control)["total"] == 0
    assert len(listed(emulator_api.get("/trunks"))) == 1


# -- faults ---------------------------------------------------------------------------------


def test_status_fault_is_scoped_by_method_and_path_and_used_up(
    emulator_control: httpx.Client, emulator_api: httpx.Client
) -> None:
    inject(
        emulator_control, kind="status", status=503, method="POST", path_regex="/trunks$", count=2
    )
    assert emulator_api.get("/trunks").status_code == 200  # other method: untouched
    failures = [emulator_api.post("/trunks", json=TRUNK) for _ in range(2)]
    assert [error_of(r)[:3] for r in failures] == [(503, 503, 1050)] * 2
    assert listed(emulator_api.get("/trunks")) == []  # nothing was written
    ok_data(emulator_api.post("/trunks", json=TRUNK))  # the fault is spent
    assert emulator_control.get("/faults").json() == {"faults": []}
    log = stats(emulator_control)["log"]
    assert [(e["method"], e["status"], e["fault"]) for e in log] == [
        ("GET", 200, None),
        ("POST", 503, "status"),
        ("POST", 503, "status"),
        ("GET", 200, None),
        ("POST", 200, None),
    ]


def test_fault_without_count_lasts_until_cleared(
    emulator_control: httpx.Client, emulator_api: httpx.Client
) -> None:
    inject(emulator_control, kind="status", status=500, path_regex="/trunks", count=None)
    assert [emulator_api.get("/trunks").status_code for _ in range(3)] == [500, 500, 500]
    assert emulator_control.get("/faults").json()["faults"][0]["fired"] == 3
    emulator_control.delete("/faults").raise_for_status()
    assert emulator_api.get("/trunks").status_code == 200


def test_latency_fault_delays_then_answers(
    emulator_control: httpx.Client, emulator_api: httpx.Client
) -> None:
    inject(emulator_control, kind="latency", delay_ms=300, method="GET", count=1)
    started = time.monotonic()
    assert emulator_api.get("/trunks").status_code == 200
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    emulator_api.get("/trunks")
    assert time.monotonic() - started < 0.3


def test_latency_fault_makes_a_short_client_timeout_fire(
    emulator: EmulatorServer, emulator_control: httpx.Client
) -> None:
    inject(emulator_control, kind="latency", delay_ms=500, count=1)
    with (
        httpx.Client(auth=("demo_api_key", "demo_api_token"), timeout=0.1) as client,
        pytest.raises(httpx.ReadTimeout),
    ):
        client.get(f"{emulator.base_url}/v2/accounts/demo1/trunks")


def test_rate_limit_fault_answers_429_with_retry_after(
    emulator_control: httpx.Client, emulator_api: httpx.Client
) -> None:
    inject(emulator_control, kind="rate_limit", delay_ms=2500, count=1)
    limited = emulator_api.post("/trunks", json=TRUNK)
    assert error_of(limited)[:3] == (429, 429, 1030)
    assert limited.headers["Retry-After"] == "3"
    assert listed(emulator_api.get("/trunks")) == []


def test_drop_response_commits_the_write_then_breaks_the_connection(
    emulator_control: httpx.Client, emulator_api: httpx.Client
) -> None:
    inject(emulator_control, kind="drop_response", method="POST", path_regex="/trunks$", count=1)
    with pytest.raises(httpx.TransportError):
        emulator_api.post("/trunks", json=TRUNK)
    # The write happened although the client never saw the answer.
    assert [t["trunk_name"] for t in listed(emulator_api.get("/trunks"))] == ["t1"]
    retry = emulator_api.post("/trunks", json=TRUNK)
    assert error_of(retry)[:3] == (200, 409, 1008)
    log = stats(emulator_control)["log"]
    assert (log[0]["status"], log[0]["fault"]) == (200, "drop_response")


@pytest.mark.parametrize(
    "rule",
    [
        {"kind": "explode"},
        {"kind": "status", "path_regex": "("},
        {"kind": "status", "count": 0},
        {"kind": "latency", "delay_ms": -5},
        {"kind": "status", "status": 42},
        {"kind": "status", "colour": "red"},
    ],
)
def test_bad_fault_specs_are_refused(emulator_control: httpx.Client, rule: dict[str, Any]) -> None:
    response = emulator_control.post("/faults", json=rule)
    assert response.status_code == 400
    assert response.json()["error"]
    assert emulator_control.get("/faults").json() == {"faults": []}


def test_faults_do_not_touch_the_control_api(emulator_control: httpx.Client) -> None:
    inject(emulator_control, kind="status", status=500, count=None)
    assert emulator_control.get("/health").status_code == 200
    assert emulator_control.get("/stats").status_code == 200
