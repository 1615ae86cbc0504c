"""The `pulumi-exotel` command: run the emulator (and the local SIP edge), verify a credential,
discover an existing account as a Pulumi program.

Start-up failures of ``emulator`` (a port taken, Kamailio missing or dying) end the command
with exit status 1 and one line that names the flag to change, never a traceback: a script
such as ``make demo`` can show that line as it is.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pulumi_exotel.discover_cli import discover_command
from pulumi_exotel.emulator.accounts import Account
from pulumi_exotel.sip.cli import verify_command
from pulumi_exotel.twins.cli import twin_command

if TYPE_CHECKING:
    from pulumi_exotel.edge.subscribers import SubscriberStore

__all__ = ["main"]


@click.group()
@click.version_option(package_name="pulumi-exotel")
def main() -> None:
    """Exotel SIP trunking as code: local tools."""


class StartupError(click.ClickException):
    """The emulator could not start (or its edge stopped); click prints ``Error: <message>``."""

    exit_code = 1


#: Where the local SIP edge listens (Kamailio binds loopback only).
EDGE_HOST = "127.0.0.1"


def _check_ports(wanted: list[tuple[str, str, int]]) -> None:
    """Refuse to start when a port is taken or given twice, naming the flag (port 0 = pick)."""
    from pulumi_exotel.emulator.server import port_problem

    seen: dict[int, str] = {}
    for flag, host, port in wanted:
        if port == 0:
            continue
        if port in seen:
            raise StartupError(f"{flag} {port}: the same port as {seen[port]}; give each its own")
        seen[port] = flag
        problem = port_problem(host, port)
        if problem is not None:
            raise StartupError(f"{flag} {port}: {problem}; stop it or choose another {flag}")


def _parse_account(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> list[Account]:
    try:
        return [Account.parse(value) for value in values]
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


# Every option's default shows in --help (click's setting, not a flag on each option).
@main.command(context_settings={"show_default": True})
@click.option("--host", default="127.0.0.1", help="Address to listen on.")
@click.option(
    "--port",
    default=8765,
    type=click.IntRange(0, 65535),
    help="TCP port; 0 picks a free one (printed).",
)
@click.option(
    "--db",
    "db",
    default="exotel-emulator.sqlite",
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite file holding all state.",
)
@click.option(
    "--account",
    "accounts",
    multiple=True,
    callback=_parse_account,
    metavar="SID:KEY:TOKEN",
    help="An account to serve (repeatable). Default: demo1.",
)
@click.option(
    "--rate-limit",
    type=click.IntRange(1),
    default=None,
    help="Requests per minute per account before 429 (default: unlimited).",
)
@click.option(
    "--duplicate-trunk-409/--duplicate-trunk-200",
    default=False,
    help="Answer a duplicate trunk name with a real HTTP 409 instead of 409 inside HTTP 200.",
)
@click.option(
    "--unknown-trunk-403/--unknown-trunk-404",
    default=False,
    help="Answer an unknown trunk with 403/1003 instead of 404/1000.",
)
@click.option(
    "--sip-edge/--no-sip-edge",
    default=False,
    help="Also run Kamailio on 127.0.0.1, provisioned live with the digest credentials.",
)
@click.option(
    "--sip-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Working directory of the SIP edge (config, certificate ca.pem, subscriber DB).",
)
@click.option("--sip-tcp-port", default=5070, type=click.IntRange(0, 65535))
@click.option("--sip-tls-port", default=5071, type=click.IntRange(0, 65535))
def emulator(
    host: str,
    port: int,
    db: Path,
    accounts: list[Account],
    rate_limit: int | None,
    duplicate_trunk_409: bool,
    unknown_trunk_403: bool,
    sip_edge: bool,
    sip_dir: Path | None,
    sip_tcp_port: int,
    sip_tls_port: int,
) -> None:
    """Serve the local twin of Exotel's trunk API until SIGINT or SIGTERM."""
    from pulumi_exotel.emulator.server import EmulatorStopped, port_problem, serve

    wanted = [("--port", host, port)]
    if sip_edge:
        wanted += [("--sip-tcp-port", EDGE_HOST, sip_tcp_port)]
        wanted += [("--sip-tls-port", EDGE_HOST, sip_tls_port)]
    _check_ports(wanted)
    with contextlib.ExitStack() as stack:
        sink = None
        watch = None
        if sip_edge:
            sink, watch = stack.enter_context(
                _start_edge(db, sip_dir or db.parent / "sip-edge", sip_tcp_port, sip_tls_port)
            )
        try:
            serve(
                host,
                port,
                db,
                accounts or None,
                rate_limit,
                credential_sink=sink,
                watch=watch,
                duplicate_trunk_http_409=duplicate_trunk_409,
                unknown_trunk_403=unknown_trunk_403,
            )
        except EmulatorStopped as exc:
            raise StartupError(str(exc)) from None
        except OSError as exc:  # the port was taken between the check and the bind
            problem = port_problem(host, port) or exc.strerror or str(exc)
            raise StartupError(f"--port {port}: {problem}; choose another --port") from None


@contextlib.contextmanager
def _start_edge(
    db: Path, workdir: Path, tcp_port: int, tls_port: int
) -> Iterator[tuple[SubscriberStore, Callable[[], str | None]]]:
    """Start Kamailio fed from a subscriber table (the emulator replays stored credentials).

    Yields the store and a check that says when Kamailio is no longer running.
    """
    try:
        from pulumi_exotel.edge.kamailio import EdgeStartError, KamailioEdge, KamailioNotFound
    except ModuleNotFoundError as exc:  # cryptography: the edge's certificate
        raise StartupError(
            f"--sip-edge needs the 'edge' extra ({exc.name} is not installed): "
            "pip install 'pulumi-exotel[edge]'"
        ) from None
    from pulumi_exotel.edge.subscribers import SubscriberStore

    workdir = workdir.resolve()  # Kamailio runs in its own directory: paths must be absolute
    workdir.mkdir(parents=True, exist_ok=True)
    subscribers_db = workdir / "subscribers.sqlite"
    edge = KamailioEdge(workdir, subscribers_db, tcp_port=tcp_port, tls_port=tls_port)
    with SubscriberStore(subscribers_db) as store:
        try:
            edge.start()
        except KamailioNotFound as exc:
            raise StartupError(f"--sip-edge: {str(exc).splitlines()[0]}") from None
        except EdgeStartError as exc:
            edge.stop()
            raise StartupError(f"--sip-edge: {_edge_failure(str(exc), edge.log_path)}") from None
        try:

            def watch() -> str | None:
                if edge.running:
                    return None
                return f"--sip-edge: Kamailio stopped unexpectedly (its log: {edge.log_path})"

            if watch() is None:
                click.echo(f"sip edge: tcp {edge.tcp_edge} tls {edge.tls_edge} ca {edge.ca_file}")
            yield store, watch
        finally:
            edge.stop()


def _edge_failure(message: str, log_path: Path) -> str:
    """One line from Kamailio's multi-line start-up failure: what happened and its last error."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    head = lines[0].rstrip(":") if lines else "Kamailio did not start"
    errors = [line for line in lines[1:] if "ERROR" in line or "CRITICAL" in line]
    detail = f": {errors[-1]}" if errors else ""
    return f"{head}{detail} (its log: {log_path})"


main.add_command(verify_command, name="verify")
main.add_command(discover_command, name="discover")
main.add_command(twin_command, name="twin")


if __name__ == "__main__":
    main()
