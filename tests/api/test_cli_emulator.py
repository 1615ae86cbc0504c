"""`pulumi-exotel emulator` as a user runs it: a real process, real HTTP, clean stop on SIGTERM."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from pulumi_exotel.sip import verify_credential
from tests.tools import require_kamailio, run_cli

pytestmark = pytest.mark.api


@contextmanager
def emulator_process(*args: str) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "pulumi_exotel.cli", "emulator", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip())
            if line.startswith("listening on"):
                break
        else:
            pytest.fail("emulator exited before listening:\n" + "\n".join(lines))
        yield proc, lines
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)


def base_url(lines: list[str]) -> str:
    match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", "\n".join(lines))
    assert match, lines
    return match.group(1)


def test_default_account_is_printed_and_state_survives_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "state.sqlite"
    auth = ("demo_api_key", "demo_api_token")
    body = {
        "trunk_name": "cli_trunk",
        "nso_code": "ANY-ANY",
        "domain_name": "demo1.pstn.exotel.com",
    }
    with emulator_process("--db", str(db)) as (proc, lines):
        assert any("sid=demo1" in line and "demo_api_key" in line for line in lines)
        url = base_url(lines)
        created = httpx.post(f"{url}/v2/accounts/demo1/trunks", json=body, auth=auth).json()
        assert created["response"]["status"] == "success"
    assert proc.returncode == 0

    with emulator_process("--db", str(db)) as (_, lines):
        listed = httpx.get(f"{base_url(lines)}/v2/accounts/demo1/trunks", auth=auth).json()
        assert [item["data"]["trunk_name"] for item in listed["response"]] == ["cli_trunk"]


def test_accounts_and_rate_limit_flags(tmp_path: Path) -> None:
    args = (
        "--db",
        str(tmp_path / "s.sqlite"),
        "--account",
        "acme1:acme_key:acme_token",
        "--rate-limit",
        "3",
    )
    with emulator_process(*args) as (_, lines):
        assert not any("demo_api_key" in line for line in lines)
        url = f"{base_url(lines)}/v2/accounts/acme1/trunks"
        statuses = [httpx.get(url, auth=("acme_key", "acme_token")).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        assert httpx.get(url, auth=("acme_key", "wrong")).status_code == 401


def test_a_bad_account_flag_is_a_usage_error() -> None:
    proc = run_cli("emulator", "--account", "only_two:parts", timeout=30)
    assert proc.returncode == 2
    assert "SID:API_KEY:API_TOKEN" in proc.stderr


def test_sip_edge_flag_provisions_credentials_live(tmp_path: Path) -> None:
    require_kamailio()
    args = (
        "--db",
        str(tmp_path / "s.sqlite"),
        "--sip-edge",
        "--sip-dir",
        str(tmp_path / "edge"),
        "--sip-tcp-port",
        "0",
        "--sip-tls-port",
        "0",
    )
    auth = ("demo_api_key", "demo_api_token")
    with emulator_process(*args) as (_, lines):
        edge_line = next(line for line in lines if line.startswith("sip edge:"))
        tcp_edge = edge_line.split()[3]
        api = f"{base_url(lines)}/v2/accounts/demo1"
        body = {
            "trunk_name": "edge_trunk",
            "nso_code": "ANY-ANY",
            "domain_name": "demo1.pstn.exotel.com",
        }
        sid = httpx.post(f"{api}/trunks", json=body, auth=auth).json()["response"]["data"][
            "trunk_sid"
        ]
        cred = {"user_name": "cli_user", "password": "Cli_password_123456"}
        created = httpx.post(f"{api}/trunks/{sid}/credentials", json=cred, auth=auth).json()
        realm = "demo1.pstn.exotel.com"
        result = verify_credential(tcp_edge, "tcp", realm, "cli_user", "Cli_password_123456")
        assert result.outcome == "accepted"
        cred_id = created["response"]["data"]["id"]
        httpx.delete(f"{api}/trunks/{sid}/credentials", params={"id": cred_id}, auth=auth)
        result = verify_credential(tcp_edge, "tcp", realm, "cli_user", "Cli_password_123456")
        assert result.outcome == "rejected"


def run_emulator(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run `pulumi-exotel emulator` expecting it to stop by itself (a start-up failure)."""
    return run_cli("emulator", *args, timeout=timeout)


@contextmanager
def listener() -> Iterator[int]:
    """Another program holding a loopback port: a listening socket."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def assert_one_line_naming(proc: subprocess.CompletedProcess[str], *needles: str) -> None:
    output = (proc.stdout + proc.stderr).strip()
    assert proc.returncode == 1, output
    assert len(output.splitlines()) == 1, output
    assert "Traceback" not in output and "listening on" not in output, output
    for needle in needles:
        assert needle in output, output


def test_a_taken_api_port_exits_1_with_one_line_naming_the_flag(tmp_path: Path) -> None:
    with listener() as port:
        proc = run_emulator("--port", str(port), "--db", str(tmp_path / "s.sqlite"))
    assert_one_line_naming(proc, "--port", f"127.0.0.1:{port}", "already in use")


@pytest.mark.parametrize("flag", ["--sip-tcp-port", "--sip-tls-port"])
def test_a_taken_sip_port_exits_1_before_starting_anything(tmp_path: Path, flag: str) -> None:
    require_kamailio()
    with listener() as port:
        ports = {"--sip-tcp-port": "0", "--sip-tls-port": "0", flag: str(port)}
        proc = run_emulator(
            "--port", "0", "--db", str(tmp_path / "s.sqlite"), "--sip-edge",
            "--sip-dir", str(tmp_path / "edge"), *(x for kv in ports.items() for x in kv),
        )  # fmt: skip
    assert_one_line_naming(proc, flag, f"127.0.0.1:{port}", "already in use")
    assert not (tmp_path / "edge" / "kamailio.log").exists()  # Kamailio was never started


def test_kamailio_dying_stops_the_emulator_with_one_line(tmp_path: Path) -> None:
    require_kamailio()
    args = ("--db", str(tmp_path / "s.sqlite"), "--sip-edge", "--sip-dir", str(tmp_path / "edge"),
            "--sip-tcp-port", "0", "--sip-tls-port", "0")  # fmt: skip
    with emulator_process(*args) as (proc, _lines):
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        kamailio = [p for p in children if "kamailio" in Path(f"/proc/{p}/cmdline").read_text()]
        assert kamailio, children
        os.killpg(int(kamailio[0]), signal.SIGKILL)
        assert proc.wait(timeout=15) == 1
        assert proc.stdout is not None
        rest = proc.stdout.read().strip()
    assert len(rest.splitlines()) == 1, rest
    assert "--sip-edge" in rest and "Kamailio stopped" in rest and "Traceback" not in rest
