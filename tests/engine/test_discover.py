"""`pulumi-exotel discover` on a hand-made account: the generated program adopts everything.

The account is seeded through the raw API (as a console or curl script would), discover writes
a project, the test sets the secrets it asks for, and the real CLI runs `pulumi up`: every object
is taken over with zero creates, deletes or changes at Exotel, the next preview expects no
changes, and `pulumi destroy` refuses until protection is removed.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_exotel.emulator.accounts import DEFAULT_ACCOUNT
from pulumi_exotel.emulator.server import EmulatorServer
from tests.conftest import Stats, create_trunk, listed, ok_data
from tests.engine.harness import Workspace
from tests.tools import run_captured, run_cli

pytestmark = pytest.mark.engine

CHILD_KINDS = ("phone-numbers", "credentials", "whitelisted-ips", "destination-uris")
WRITE_METHODS = ("POST", "PUT", "DELETE", "PATCH")


def _password(trunk: int, user: int) -> str:
    return f"HandMade_{trunk}_{user}_pw_0123456789ab"


def seed_account(api: httpx.Client) -> dict[str, str]:
    """Three trunks with 63 children of every kind, a caller id, and tuned destinations.

    Returns the password of every credential by user name (what the operator knows)."""
    passwords: dict[str, str] = {}
    for t in range(3):
        sid = create_trunk(api, f"handmade_{t}")
        for n in range(8):
            body = {"phone_number": f"+9180{t}{n:07d}", "mode": "flow" if n % 3 == 0 else "pstn"}
            ok_data(api.post(f"/trunks/{sid}/phone-numbers", json=body))
        for u in range(5):
            user = f"agent{t}_{u}"
            passwords[user] = _password(t, u)
            body = {"user_name": user, "password": passwords[user]}
            if u % 2 == 0:
                body["friendly_name"] = f"seat_{t}_{u}"
            ok_data(api.post(f"/trunks/{sid}/credentials", json=body))
        for i in range(4):
            ok_data(
                api.post(f"/trunks/{sid}/whitelisted-ips", json={"ip": f"44.248.14{t}.{i + 10}"})
            )
        for d in range(4):
            target = (
                f"44.248.14{t}.{d + 10}:5061;transport=tls"
                if d < 2
                else f"sip{d}.agents{t}.example.com:5061;transport=tls"
            )
            created = listed(
                api.post(
                    f"/trunks/{sid}/destination-uris",
                    json={"destinations": [{"destination": target}]},
                )
            )
            if d % 2 == 1:
                ok_data(
                    api.put(
                        f"/trunks/{sid}/destination-uris/{created[0]['id']}",
                        json={"priority": d + 1, "weight": 10 * d},
                    )
                )
        if t != 1:
            body = {"settings": [{"name": "trunk_external_alias", "value": f"+91804000000{t}"}]}
            api.post(f"/trunks/{sid}/settings", json=body).raise_for_status()
    return passwords


def snapshot(api: httpx.Client) -> dict[str, Any]:
    """Every object of the account as the API returns it (ids, dates and all)."""
    trunks = listed(api.get("/trunks", params={"page_size": 100}))
    shot: dict[str, Any] = {"trunks": trunks}
    for trunk in trunks:
        sid = trunk["trunk_sid"]
        for kind in CHILD_KINDS:
            shot[f"{sid}/{kind}"] = listed(
                api.get(f"/trunks/{sid}/{kind}", params={"page_size": 100})
            )
        shot[f"{sid}/settings"] = listed(api.get(f"/trunks/{sid}/settings"))
    return shot


def writes(stats: Stats) -> list[str]:
    return [f"{e['method']} {e['path']}" for e in stats.log() if e["method"] in WRITE_METHODS]


def run_discover(server: EmulatorServer, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "EXOTEL_BASE_URL": server.base_url,
        "EXOTEL_ACCOUNT_SID": DEFAULT_ACCOUNT.sid,
        "EXOTEL_API_KEY": DEFAULT_ACCOUNT.api_key,
        "EXOTEL_API_TOKEN": DEFAULT_ACCOUNT.api_token,
    }
    return run_cli("discover", *args, env=env)


def printed_secret_commands(stderr: str) -> list[tuple[list[str], str]]:
    """The `pulumi config set --secret KEY` lines discover printed: (argv, SIP user named)."""
    found = []
    for line in stderr.splitlines():
        command, _, comment = line.strip().partition("#")
        if command.startswith("pulumi config set --secret"):
            found.append((shlex.split(command), comment.split("SIP user ")[1].split()[0]))
    return found


def test_discover_adopts_a_hand_made_account_without_touching_it(
    emulator: EmulatorServer,
    emulator_api: httpx.Client,
    stats: Stats,
    workspace: Any,
    tmp_path: Path,
) -> None:
    passwords = seed_account(emulator_api)
    before = snapshot(emulator_api)
    children = sum(len(v) for k, v in before.items() if k.endswith(CHILD_KINDS))
    assert len(before["trunks"]) == 3 and children >= 60

    stats.reset()
    out = tmp_path / "generated"
    proc = run_discover(emulator, "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    discover_requests = stats.total()
    print(f"\ndiscover of 3 trunks and {children} children: {discover_requests} requests")
    # One trunk listing, then per trunk one listing per child kind plus its settings.
    assert discover_requests == 1 + 3 * (len(CHILD_KINDS) + 1)
    assert writes(stats) == []
    assert "[3/3]" in proc.stderr  # progress on stderr
    source = (out / "__main__.py").read_text()
    assert source.count("    adopt=True,\n") == 3 + children
    assert source.count("protect=True") == 3 + children
    assert "trunk_sid=handmade_0.trunk_sid" in source
    for secret in passwords.values():
        assert secret not in source and secret not in proc.stderr

    ws: Workspace = workspace(out)
    commands = printed_secret_commands(proc.stderr)
    assert len(commands) == len(passwords) == 15

    # Without the passwords, preview stops and names the command to run: no silent rotation.
    stats.reset()
    stopped = ws.preview(check=False)
    assert stopped.returncode != 0
    assert (
        "pulumi config set --secret password-handmade-0-agent0-0" in stopped.stdout + stopped.stderr
    )
    assert writes(stats) == []

    for argv, user in commands:
        ws.run(*argv[1:], "--stack", ws.stack, input=passwords[user])

    stats.reset()
    ws.up()
    assert writes(stats) == [], "adoption must not create, change or delete anything"
    assert len(ws.resources()) == 3 + children

    stats.reset()
    ws.preview("--expect-no-changes")
    assert writes(stats) == []
    assert snapshot(emulator_api) == before, "objects must be byte-for-byte what they were"

    refused = ws.run("destroy", "--yes", "--skip-preview", check=False)
    assert refused.returncode != 0
    assert "protect" in refused.stdout + refused.stderr
    assert snapshot(emulator_api) == before

    ws.run("state", "unprotect", "--all", "--yes", "--stack", ws.stack)
    ws.destroy()
    assert listed(emulator_api.get("/trunks")) == []


def test_discover_json_is_the_inventory_and_holds_no_password(
    emulator: EmulatorServer, emulator_api: httpx.Client
) -> None:
    passwords = seed_account(emulator_api)
    one = listed(emulator_api.get("/trunks"))[0]["trunk_sid"]
    proc = run_discover(emulator, "--format", "json", "--trunk", one)
    assert proc.returncode == 0, proc.stderr
    inventory = json.loads(proc.stdout)
    assert [t["trunk"]["trunk_sid"] for t in inventory["trunks"]] == [one]
    assert len(inventory["trunks"][0]["phone_mappings"]) == 8
    assert not any(p in proc.stdout for p in passwords.values())


def test_discover_without_settings_names_the_env_vars(emulator: EmulatorServer) -> None:
    proc = run_cli(
        "discover", env={k: v for k, v in os.environ.items() if not k.startswith("EXOTEL_")}
    )
    assert proc.returncode == 2
    assert "EXOTEL_API_KEY" in proc.stderr and "exotel:apiKey" in proc.stderr


README = Path(__file__).resolve().parents[2] / "README.md"
README_MARKER = "<!-- README test: adopting -->"


def readme_block() -> list[str]:
    """The shell lines of the README's "Adopting an existing account" block."""
    text = README.read_text()
    after = text.split(README_MARKER, 1)[1]
    block = after.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


def test_readme_adopting_section_runs_as_written(
    emulator: EmulatorServer,
    emulator_api: httpx.Client,
    stats: Stats,
    pulumi_on_path: str,
    tmp_path: Path,
) -> None:
    """The README's commands, run literally in a fresh directory outside the clone.

    Substituted: the two documented placeholders; the token is typed on stdin. The comment
    line that tells the reader to run discover's printed lines is replaced by those lines."""
    passwords = seed_account(emulator_api)
    lines = readme_block()
    marker = next(i for i, line in enumerate(lines) if line.startswith("# now run each"))
    before_secrets, after_secrets = lines[:marker], lines[marker + 1 :]
    account = DEFAULT_ACCOUNT
    substitute = {"<your_account_sid>": account.sid, "<your_api_key>": account.api_key}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXOTEL_", "PULUMI_"))}
    (tmp_path / "home").mkdir()
    (tmp_path / "backend").mkdir()
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}",
        EXOTEL_BASE_URL=emulator.base_url,
        PULUMI_HOME=str(tmp_path / "home"),
        PULUMI_BACKEND_URL=f"file://{tmp_path / 'backend'}",
        PULUMI_CONFIG_PASSPHRASE="readme-test-passphrase",
        PULUMI_SKIP_UPDATE_CHECK="1",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="1",
        PULUMI_SKIP_CONFIRMATIONS="1",  # what answering "yes" at the prompt does
        NO_COLOR="1",
    )
    work = tmp_path / "infra"
    work.mkdir()

    def bash(script_lines: list[str], stdin: str) -> subprocess.CompletedProcess[str]:
        script = "\n".join(["set -euo pipefail", *script_lines])
        for placeholder, value in substitute.items():
            script = script.replace(placeholder, value)
        proc = run_captured(["bash", "-c", script], cwd=work, env=env, input=stdin, timeout=600)
        assert proc.returncode == 0, f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        return proc

    first = bash(before_secrets, stdin=account.api_token + "\n")
    commands = printed_secret_commands(first.stderr)
    assert len(commands) == len(passwords)
    cd_lines = [line for line in before_secrets if line.startswith("cd ")]
    exports = [line for line in before_secrets if line.startswith(("export", "read"))]
    secret_lines = [
        f"{shlex.join(argv)} <<< {shlex.quote(passwords[user])}" for argv, user in commands
    ]
    stats.reset()
    second = bash(
        [*exports, *cd_lines, *secret_lines, *after_secrets], stdin=account.api_token + "\n"
    )
    assert writes(stats) == []
    assert "protect" in (work / "exotel-account" / "__main__.py").read_text()
    for secret in (*passwords.values(), account.api_token):
        assert secret not in first.stdout + first.stderr + second.stdout + second.stderr
