"""The `pulumi-exotel` command: run the emulator (and the local SIP edge), verify a credential."""

from __future__ import annotations

import contextlib
from pathlib import Path

import click

from pulumi_exotel.emulator.accounts import Account
from pulumi_exotel.sip.cli import verify_command

__all__ = ["main"]


@click.group()
@click.version_option(package_name="pulumi-exotel")
def main() -> None:
    """Exotel SIP trunking as code: local tools."""


def _parse_account(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> list[Account]:
    try:
        return [Account.parse(value) for value in values]
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8765,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="TCP port; 0 picks a free one (printed).",
)
@click.option(
    "--db",
    "db",
    default="exotel-emulator.sqlite",
    show_default=True,
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
    show_default=True,
    help="Answer a duplicate trunk name with a real HTTP 409 instead of 409 inside HTTP 200.",
)
@click.option(
    "--unknown-trunk-403/--unknown-trunk-404",
    default=False,
    show_default=True,
    help="Answer an unknown trunk with 403/1003 instead of 404/1000.",
)
@click.option(
    "--sip-edge/--no-sip-edge",
    default=False,
    show_default=True,
    help="Also run Kamailio on 127.0.0.1, provisioned live with the digest credentials.",
)
@click.option(
    "--sip-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Working directory of the SIP edge (config, certificate ca.pem, subscriber DB).",
)
@click.option("--sip-tcp-port", default=5070, show_default=True, type=click.IntRange(0, 65535))
@click.option("--sip-tls-port", default=5071, show_default=True, type=click.IntRange(0, 65535))
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
    from pulumi_exotel.emulator.server import serve

    with contextlib.ExitStack() as stack:
        sink = None
        if sip_edge:
            sink = stack.enter_context(
                _start_edge(db, sip_dir or db.parent / "sip-edge", sip_tcp_port, sip_tls_port)
            )
        serve(
            host,
            port,
            db,
            accounts or None,
            rate_limit,
            credential_sink=sink,
            duplicate_trunk_http_409=duplicate_trunk_409,
            unknown_trunk_403=unknown_trunk_403,
        )


@contextlib.contextmanager
def _start_edge(db: Path, workdir: Path, tcp_port: int, tls_port: int):  # type: ignore[no-untyped-def]
    """Start Kamailio fed from a subscriber table (the emulator replays stored credentials)."""
    from pulumi_exotel.edge.kamailio import KamailioEdge
    from pulumi_exotel.edge.subscribers import SubscriberStore

    workdir = workdir.resolve()  # Kamailio runs in its own directory: paths must be absolute
    workdir.mkdir(parents=True, exist_ok=True)
    subscribers_db = workdir / "subscribers.sqlite"
    with (
        SubscriberStore(subscribers_db) as store,
        KamailioEdge(workdir, subscribers_db, tcp_port=tcp_port, tls_port=tls_port) as edge,
    ):
        click.echo(f"sip edge: tcp {edge.tcp_edge} tls {edge.tls_edge} ca {edge.ca_file}")
        yield store


main.add_command(verify_command, name="verify")


if __name__ == "__main__":
    main()
