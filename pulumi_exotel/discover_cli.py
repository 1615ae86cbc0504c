"""The ``pulumi-exotel discover`` command (the logic is in :mod:`pulumi_exotel.discover`)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import click

from pulumi_exotel.client import ExotelClient, ExotelError
from pulumi_exotel.config import CONFIG_KEYS, ConfigError, ExotelSettings
from pulumi_exotel.discover import read_inventory, render_project_files, secret_commands

__all__ = ["discover_command"]

_PROJECT_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")


def _stack_config(stack: str) -> dict[str, Any]:
    """The ``exotel:*`` config of a stack of the Pulumi project in the current directory."""
    try:
        proc = subprocess.run(
            ["pulumi", "config", "--json", "--show-secrets", "--stack", stack],
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        raise click.UsageError("--stack needs the pulumi CLI on PATH") from None
    if proc.returncode != 0:
        first = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise click.UsageError(f"could not read the config of stack {stack!r}: {first}")
    raw: dict[str, dict[str, Any]] = json.loads(proc.stdout)
    keys = {key for key, _env in CONFIG_KEYS.values()}
    return {key: entry.get("value") for key, entry in raw.items() if key in keys}


@click.command(context_settings={"show_default": True})
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write __main__.py, Pulumi.yaml and README.md into this directory (new or empty).",
)
@click.option("--trunk", "trunk_sid", default=None, help="Only this trunk (its SID).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["python", "json"]),
    default="python",
    help="python: the Pulumi program; json: the inventory, for review and diffing.",
)
@click.option(
    "--protect/--no-protect",
    default=True,
    help="Mark every resource protect=True so `pulumi destroy` cannot delete hand-made objects.",
)
@click.option(
    "--project",
    default="exotel-account",
    help="Pulumi project name written to Pulumi.yaml (its secret config keys use it too).",
)
@click.option(
    "--stack",
    default=None,
    help="Read the exotel:* settings from this stack of the project in the current directory "
    "(default: EXOTEL_* environment variables).",
)
def discover_command(
    out_dir: Path | None,
    trunk_sid: str | None,
    output_format: str,
    protect: bool,
    project: str,
    stack: str | None,
) -> None:
    """Read an Exotel account and write a Pulumi program that adopts all of it.

    Settings are the provider's: the exotel:* keys of --stack, else the EXOTEL_* environment
    variables (EXOTEL_ACCOUNT_SID, EXOTEL_API_KEY, EXOTEL_API_TOKEN, EXOTEL_BASE_URL...).
    Progress goes to stderr; without --out the program (or JSON) goes to stdout.
    """
    if not _PROJECT_NAME.fullmatch(project):
        raise click.BadParameter(
            f"{project!r} is not a Pulumi project name (letters, digits, '_', '.', '-')",
            param_hint="--project",
        )
    if out_dir is not None and out_dir.exists() and any(out_dir.iterdir()):
        raise click.BadParameter(f"{out_dir} exists and is not empty", param_hint="--out")
    try:
        settings = ExotelSettings.load(_stack_config(stack) if stack else None)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None

    def progress(line: str) -> None:
        click.echo(line, err=True)

    try:
        with ExotelClient(settings) as client:
            inventory = read_inventory(client, trunk_sid=trunk_sid, progress=progress)
    except ExotelError as exc:
        raise click.ClickException(f"could not read the account: {exc}") from None

    if output_format == "json":
        text = json.dumps(inventory.as_json(), indent=2, sort_keys=True) + "\n"
        if out_dir is None:
            click.echo(text, nl=False)
        else:
            out_dir.mkdir(parents=True, exist_ok=True)
            (out_dir / "inventory.json").write_text(text)
            progress(f"discover: wrote {out_dir / 'inventory.json'}")
        return

    files = render_project_files(inventory, project=project, protect=protect)
    if out_dir is None:
        click.echo(files["__main__.py"], nl=False)
    else:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (out_dir / name).write_text(text)
        progress(f"discover: wrote {', '.join(files)} to {out_dir}")
    commands = secret_commands(inventory)
    if commands:
        progress(
            "discover: Exotel never returns passwords. In the project directory, give each "
            "credential's current password (you are prompted; it is stored encrypted and not "
            "changed at Exotel):"
        )
        for line in commands:
            progress(f"  {line}")
