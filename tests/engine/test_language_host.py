"""Our Python language host (tools/pulumi-cli): it activates the project's virtualenv for the
program, and a missing virtualenv is one clear line instead of a traceback. (That it exits when
the engine goes away is shown by the crash test, tests/engine/test_crash.py.)"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.engine.conftest import PROGRAMS
from tests.engine.harness import Workspace

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
