"""The README is part of the product: its generated blocks and commands match the code."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.unit


def load_sync():  # type: ignore[no-untyped-def]
    path = REPO / "scripts" / "sync-readme.py"
    spec = importlib.util.spec_from_file_location("sync_readme", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_generated_blocks_are_current() -> None:
    readme = (REPO / "README.md").read_text()
    assert load_sync().sync(readme) == readme, "run: .venv/bin/python scripts/sync-readme.py"


def test_readme_two_commands_are_what_ci_runs() -> None:
    readme = (REPO / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme
    ci = (REPO / ".ci" / "run").read_text()
    assert "make test" in ci


def test_every_dependency_is_explained_in_the_readme() -> None:
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    readme = (REPO / "README.md").read_text()
    for dep in project["dependencies"]:
        name = re.split(r"[<>=!~ ]", dep, maxsplit=1)[0]
        assert f"`{name}`" in readme, f"README does not say why {name} is a dependency"
