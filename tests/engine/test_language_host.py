"""Our Python language host (tools/pulumi-cli): it activates the project's virtualenv for the
program, and a missing virtualenv is one clear line instead of a traceback; setup-pulumi.sh
rebuilds only the plugins when their sources change. (That the host and the provider shim exit
when the engine goes away is shown by the crash test, tests/engine/test_crash.py.)"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.engine.conftest import PROGRAMS
from tests.engine.harness import REPO, Workspace

pytestmark = pytest.mark.engine


def test_the_program_runs_with_its_virtualenv_activated(
    workspace: Callable[..., Workspace],
) -> None:
    ws = workspace(PROGRAMS / "venv_probe")
    ws.up()
    outputs = ws.outputs()
    venv = str(Path(outputs["prefix"]).resolve())
    assert outputs["virtual_env"] == venv
    assert outputs["path_head"] == str(Path(venv) / "bin")


def test_a_missing_virtualenv_is_one_clear_line(
    workspace: Callable[..., Workspace], tmp_path: Path
) -> None:
    ws = workspace(PROGRAMS / "venv_probe")
    missing = tmp_path / "no-such-venv"
    manifest_path = ws.root / "Pulumi.yaml"
    manifest = yaml.safe_load(manifest_path.read_text())
    manifest["runtime"]["options"]["virtualenv"] = str(missing)
    manifest_path.write_text(yaml.safe_dump(manifest, sort_keys=False))

    proc = ws.preview(check=False)

    assert proc.returncode != 0
    text = proc.stdout + proc.stderr
    line = (
        f"error: the virtualenv {missing} named in Pulumi.yaml (runtime.options.virtualenv) "
        f"has no bin/python: create it with `python3 -m venv {missing}`"
    )
    assert line in text
    assert "Traceback" not in text


def test_setup_pulumi_rebuilds_only_the_plugins_of_an_old_cache(
    pulumi_on_path: str, tmp_path: Path
) -> None:
    """A cache from before the plugins were hash-keyed (real files in bin/) gets our current
    host and shim as links into plugins-<hash>; the CLI binary is kept; a second run builds
    nothing."""
    if shutil.which("go") is None and not Path("/usr/local/go/bin/go").exists():
        pytest.skip("Go is needed to build the language host")
    bin_dir = tmp_path / "pulumi-v3.274.1" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "pulumi").symlink_to(Path(pulumi_on_path).resolve())
    for name in ("pulumi-language-python", "pulumi-resource-pulumi-python"):
        stale = bin_dir / name
        stale.write_text("#!/bin/sh\nexit 99\n")
        stale.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "PULUMI_EXOTEL_FORCE_BUILD"}
    env.update(PULUMI_EXOTEL_CACHE=str(tmp_path), PULUMI_EXOTEL_FORCE_BUILD="1")
    script = [str(REPO / "scripts" / "setup-pulumi.sh")]

    first = subprocess.run(["bash", *script], env=env, capture_output=True, text=True, check=True)
    second = subprocess.run(["bash", *script], env=env, capture_output=True, text=True, check=True)

    assert first.stdout.strip().splitlines()[-1] == str(bin_dir)
    assert "building the Python language host" in first.stderr
    assert "building" not in second.stderr
    plugins = {p.name: p.resolve() for p in bin_dir.iterdir()}
    host = plugins["pulumi-language-python"]
    assert host.parent.name.startswith("plugins-") and host.parent.parent == bin_dir.parent
    shim = plugins["pulumi-resource-pulumi-python"]
    assert shim.read_text() == (REPO / "tools/pulumi-cli/pulumi-resource-pulumi-python").read_text()
    assert plugins["pulumi"] == Path(pulumi_on_path).resolve()  # the CLI was not rebuilt
