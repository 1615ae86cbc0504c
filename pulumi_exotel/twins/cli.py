"""``pulumi-exotel twin <platform>``: serve a hosted platform's twin on loopback until stopped.

For trying a platform example by hand without the platform: start the twin, then point the
stack at it with the config key the command prints (``retell:baseUrl``...).
"""

from __future__ import annotations

import importlib
import signal
import threading
from types import FrameType

import click

__all__ = ["twin_command"]

#: platform -> (module, class, the stack config key that points a program at it)
TWINS = {
    "elevenlabs": ("pulumi_exotel.twins.elevenlabs", "ElevenLabsTwin", "elevenlabs:baseUrl"),
    "retell": ("pulumi_exotel.twins.retell", "RetellTwin", "retell:baseUrl"),
    "vapi": ("pulumi_exotel.twins.vapi", "VapiTwinServer", "vapi:baseUrl"),
}


@click.command()
@click.argument("platform", type=click.Choice(sorted(TWINS)))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=0, show_default=True, type=click.IntRange(0, 65535), help="0 picks one."
)
@click.option("--api-key", required=True, help="The API key the twin accepts.")
def twin_command(platform: str, host: str, port: int, api_key: str) -> None:
    """Serve PLATFORM's phone-number API twin until Ctrl-C or SIGTERM."""
    module_name, class_name, config_key = TWINS[platform]
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:  # the platform's SDK (an extra) is missing: say which
        raise click.ClickException(str(exc)) from None
    server = getattr(module, class_name)(api_key, host=host, port=port)
    stop = threading.Event()

    def on_term(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_term)
    server.start()
    try:
        click.echo(f"{platform} twin on {server.base_url}")
        click.echo(f"  pulumi config set {config_key} {server.base_url}")
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
