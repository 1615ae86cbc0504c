"""`make demo` from the README works: emulator, local edge, pulumi up, outputs, verification."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

from tests.engine.harness import REPO
from tests.tools import run_captured

pytestmark = [pytest.mark.engine, pytest.mark.sip]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def run_demo(state: Path, ports: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXOTEL_", "PULUMI_"))}
    env.update(ports)
    env["DEMO_STATE_DIR"] = str(state)
    return run_captured(["bash", str(REPO / "scripts" / "demo.sh")], cwd=REPO, env=env, timeout=600)


def test_demo_runs_twice_and_verifies_its_credential(pulumi_on_path: str, tmp_path: Path) -> None:
    ports = {
        "DEMO_API_PORT": str(free_port()),
        "DEMO_SIP_TCP_PORT": str(free_port()),
        "DEMO_SIP_TLS_PORT": str(free_port()),
    }
    first = run_demo(tmp_path / "state", ports)
    assert first.returncode == 0, first.stdout[-4000:] + first.stderr[-4000:]
    assert "+ 5 created" in first.stdout
    assert "sip_password          [secret]" in first.stdout
    assert any(line.startswith("accepted 200") for line in first.stdout.splitlines())
    next_steps = first.stdout[first.stdout.index("== next steps") :]
    state = tmp_path / "state"
    for shown in (
        f'PULUMI_HOME="{state}/pulumi-home"',
        f"file://{state}/backend",
        "PULUMI_CONFIG_PASSPHRASE=",
        f'rm -rf "{state}"',
        "Use it in your own infra repo",
    ):
        assert shown in next_steps, next_steps

    second = run_demo(tmp_path / "state", ports)
    assert second.returncode == 0, second.stdout[-4000:] + second.stderr[-4000:]
    assert "5 unchanged" in second.stdout
    assert any(line.startswith("accepted 200") for line in second.stdout.splitlines())
    # Only the runtime was installed for the demo: no test tools in its environment.
    assert (REPO / ".venv-demo" / "bin" / "pulumi-exotel").exists()
    assert not (REPO / ".venv-demo" / "bin" / "pytest").exists()
    # The emulator and Kamailio it started are gone.
    for port in ports.values():
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", int(port))) != 0


def test_demo_names_the_variable_of_a_busy_port(pulumi_on_path: str, tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        ports = {
            "DEMO_API_PORT": str(free_port()),
            "DEMO_SIP_TCP_PORT": str(busy.getsockname()[1]),
            "DEMO_SIP_TLS_PORT": str(free_port()),
        }
        proc = run_demo(tmp_path / "state", ports)
    assert proc.returncode == 1
    message = proc.stderr.strip().splitlines()[-1]
    assert message.startswith("make demo: the emulator did not start: --sip-tcp-port"), message
    assert "already in use" in message and "DEMO_SIP_TCP_PORT" in message
    assert "Traceback" not in proc.stdout + proc.stderr
