"""Run real Pulumi projects with the real CLI: local file backend, passphrase secrets, no network.

Each `Workspace` is a copy of a project directory in a temp dir with its own PULUMI_HOME and
file backend, so tests never share state and never touch the user's Pulumi setup.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
PROGRAMS = Path(__file__).resolve().parent / "programs"
PASSPHRASE = "engine-test-passphrase"


class PulumiFailed(AssertionError):
    def __init__(self, args: list[str], proc: subprocess.CompletedProcess[str]) -> None:
        super().__init__(
            f"pulumi {' '.join(args)} exited {proc.returncode}\n--- stdout\n{proc.stdout[-6000:]}"
            f"\n--- stderr\n{proc.stderr[-4000:]}"
        )
        self.proc = proc


def pulumi_cli() -> str | None:
    return shutil.which("pulumi")


@dataclass
class Workspace:
    """A Pulumi project copied into ``root`` with an isolated home and backend."""

    root: Path
    stack: str = "test"
    env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def create(
        cls,
        project_dir: Path,
        tmp: Path,
        *,
        stack: str = "test",
        extra_env: dict[str, str] | None = None,
    ) -> Workspace:
        root = tmp / "project"
        shutil.copytree(
            project_dir,
            root,
            ignore=shutil.ignore_patterns("Pulumi.*.yaml", "__pycache__", ".venv"),
        )
        # Point the project at the interpreter running the tests (the repo's venv).
        manifest_path = root / "Pulumi.yaml"
        manifest = yaml.safe_load(manifest_path.read_text())
        manifest["runtime"] = {
            "name": "python",
            "options": {"toolchain": "pip", "virtualenv": sys.prefix},
        }
        manifest_path.write_text(yaml.safe_dump(manifest, sort_keys=False))
        home = tmp / "pulumi-home"
        backend = tmp / "backend"
        home.mkdir()
        backend.mkdir()
        env = {
            **os.environ,
            "PULUMI_HOME": str(home),
            "PULUMI_BACKEND_URL": f"file://{backend}",
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "1",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "1",
            "PULUMI_SKIP_CONFIRMATIONS": "1",
            "PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK": "1",
            "NO_COLOR": "1",
            **(extra_env or {}),
        }
        if project_dir.resolve().is_relative_to(PROGRAMS):
            # The test programs import tests/engine/program_config.py; examples stay standalone.
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
        # Never let the provider fall back to a developer's real Exotel credentials.
        for key in list(env):
            if key.startswith("EXOTEL_") and key not in (extra_env or {}):
                del env[key]
        ws = cls(root=root, stack=stack, env=env)
        ws.run("stack", "init", stack)
        return ws

    def run(
        self, *args: str, check: bool = True, timeout: float = 300, input: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        argv = ["pulumi", *args, "--non-interactive"]
        if (
            args
            and args[0] in ("up", "preview", "refresh", "destroy")
            or args[:2]
            in (
                ("stack", "output"),
                ("stack", "export"),
                ("stack", "import"),
            )
        ):
            argv += ["--stack", self.stack]
        proc = subprocess.run(
            argv,
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            input=input,
            check=False,
        )
        if check and proc.returncode != 0:
            raise PulumiFailed(list(args), proc)
        return proc

    def config(self, values: dict[str, str], *, secret: tuple[str, ...] = ()) -> None:
        for key, value in values.items():
            flag = ["--secret"] if key in secret else ["--plaintext"]
            self.run("config", "set", "--stack", self.stack, *flag, key, value)

    def config_rm(self, *keys: str) -> None:
        for key in keys:
            self.run("config", "rm", "--stack", self.stack, key)

    def up(self, *extra: str) -> subprocess.CompletedProcess[str]:
        return self.run("up", "--yes", "--skip-preview", *extra)

    def preview(self, *extra: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run("preview", *extra, check=check)

    def refresh(self, *extra: str) -> subprocess.CompletedProcess[str]:
        return self.run("refresh", "--yes", "--skip-preview", *extra)

    def verbose(self, *args: str) -> list[str]:
        """``pulumi <args> --yes`` logging everything to stderr at ``-v=9``: what it printed
        (stdout, stderr), for the tests that scan all Pulumi output for secrets."""
        done = self.run(*args, "--yes", "--logtostderr", "-v=9")
        return [done.stdout, done.stderr]

    def destroy(self) -> subprocess.CompletedProcess[str]:
        return self.run("destroy", "--yes", "--skip-preview")

    def outputs(self, *, show_secrets: bool = False) -> dict[str, Any]:
        args = ["stack", "output", "--json"]
        if show_secrets:
            args.append("--show-secrets")
        result: dict[str, Any] = json.loads(self.run(*args).stdout)
        return result

    def export(self) -> str:
        return self.run("stack", "export").stdout

    def resources(self) -> dict[str, dict[str, Any]]:
        """Resources in state by logical name: {"name": {"id":..., "outputs":..., "type":...}}."""
        deployment = json.loads(self.export())["deployment"]
        found: dict[str, dict[str, Any]] = {}
        for res in deployment.get("resources", []):
            if res["type"].startswith("pulumi-python:dynamic/"):
                found[res["urn"].rsplit("::", 1)[1]] = res
        return found
