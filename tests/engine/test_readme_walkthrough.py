"""The README's walk-throughs, run as written: "Use it in your own infra repo" in a fresh
directory outside the clone, and the examples' "run one by hand" from the clone.

Only documented placeholders are replaced: ``/path/to/pulumi-exotel`` (this clone) and the
emulator port ``8765`` (a free one). ``PULUMI_HOME`` and ``HOME`` are temporary directories, so
the developer's own Pulumi set-up (``~/.pulumi``, its current login) is never touched; pip keeps
its usual cache so the install does not download everything again.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
from pathlib import Path

import pytest

from tests.engine.harness import REPO

pytestmark = pytest.mark.engine

README = REPO / "README.md"
FENCE = re.compile(
    r"<!-- README test: (?P<name>[\w-]+)(?: file=(?P<file>\S+))? -->\n```\w*\n(?P<body>.*?)```",
    re.S,
)


def blocks(name: str) -> list[tuple[str | None, str]]:
    """``(file name or None for shell, text)`` of each README block marked ``name``, in order."""
    found = [
        (m["file"], m["body"]) for m in FENCE.finditer(README.read_text()) if m["name"] == name
    ]
    assert found, f"no README block marked {name!r}"
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def user_env(home: Path) -> dict[str, str]:
    """A user's shell: their PATH (no venv, no Pulumi of ours), a fresh HOME, no EXOTEL_*."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXOTEL_", "PULUMI_"))}
    env.pop("VIRTUAL_ENV", None)
    venv_bin = str(REPO / ".venv" / "bin")
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if p != venv_bin)
    env["PIP_CACHE_DIR"] = os.environ.get("PIP_CACHE_DIR") or str(Path.home() / ".cache" / "pip")
    env.update(HOME=str(home), PULUMI_HOME=str(home / ".pulumi"), PULUMI_SKIP_UPDATE_CHECK="1")
    env["NO_COLOR"] = "1"
    return env


def run_script(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run ``script`` in bash -e in its own process group; kill the group afterwards (the
    walk-throughs start the emulator in the background)."""
    proc = subprocess.Popen(
        ["bash", "-c", "set -euo pipefail\n" + script],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=900)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def test_own_infra_repo_walkthrough_from_a_fresh_directory(
    pulumi_on_path: str, tmp_path: Path
) -> None:
    port = str(free_port())
    parts: list[str] = []
    for file_name, body in blocks("own-repo"):
        if file_name is None:
            parts.append(body.replace("/path/to/pulumi-exotel", str(REPO)).replace("8765", port))
        else:  # the reader saves this block as the file named
            parts.append(f"cat > {file_name} <<'README_BLOCK'\n{body}README_BLOCK\n")
    (tmp_path / "home").mkdir()
    work = tmp_path / "outside"
    work.mkdir()
    assert not work.resolve().is_relative_to(REPO)
    proc = run_script("\n".join(parts), work, user_env(tmp_path / "home"))
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-6000:]
    assert "+ 3 created" in proc.stdout  # stack, trunk, credential
    assert re.search(r"sip_password\s+\[secret\]", proc.stdout), proc.stdout
    assert re.search(r"^tr\w+$", proc.stdout, re.M)  # the trunk SID read from the JSON outputs
    assert re.search(r"- 3 deleted", proc.stdout), proc.stdout[-3000:]
    assert (work / "my-infra" / "pulumi-state" / ".pulumi" / "stacks").is_dir()


def test_examples_run_by_hand_as_written(pulumi_on_path: str, tmp_path: Path) -> None:
    stack_file = REPO / "examples" / "livekit-outbound" / "Pulumi.dev.yaml"
    if stack_file.exists():
        pytest.skip(f"{stack_file} exists: a developer's own stack, not ours to replace")
    port = str(free_port())
    script = "\n".join(body.replace("8765", port) for _file, body in blocks("examples"))
    (tmp_path / "home").mkdir()
    env = user_env(tmp_path / "home")
    env["PULUMI_EXOTEL_CACHE"] = os.environ.get("PULUMI_EXOTEL_CACHE", "") or str(
        Path.home() / ".cache" / "pulumi-exotel"
    )
    try:
        proc = run_script(script, REPO, env)
    finally:
        stack_file.unlink(missing_ok=True)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-6000:]
    assert "created" in proc.stdout and "deleted" in proc.stdout
    assert not stack_file.exists()  # `pulumi stack rm` took the stack's config file with it
