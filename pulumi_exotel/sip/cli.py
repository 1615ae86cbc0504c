"""``verify``: check a SIP digest credential at an edge from the command line or CI.

The password is read from an environment variable (default ``EXOTEL_SIP_PASSWORD``) or, when
that is unset, from standard input, never from argv: argv is visible to every local user in
``ps`` and lands in shell history. Exit status: 0 accepted, 1 rejected, 2 error (including a
usage error such as an empty password).
"""

from __future__ import annotations

import os
import sys

import click

from pulumi_exotel.sip.verify import verify_credential

__all__ = ["EXIT_CODES", "verify_command"]

EXIT_CODES = {"accepted": 0, "rejected": 1, "error": 2}


def _read_password(env_name: str) -> str:
    from_env = os.environ.get(env_name)
    if from_env is not None:
        return from_env
    if sys.stdin.isatty():
        return str(click.prompt("SIP password", hide_input=True, err=True))
    return sys.stdin.readline().rstrip("\r\n")


@click.command("verify", context_settings={"show_default": True})
@click.option("--edge", required=True, metavar="HOST:PORT", help="SIP edge, e.g. 127.0.0.1:5070.")
@click.option("--transport", type=click.Choice(["tcp", "tls"]), default="tcp")
@click.option("--realm", required=True, help="SIP domain / digest realm (the trunk's domain_name).")
@click.option("--user", "user_name", required=True, help="Digest user name.")
@click.option("--method", type=click.Choice(["REGISTER", "OPTIONS"]), default="REGISTER")
@click.option(
    "--ca-file",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="CA bundle to trust for TLS instead of the system store.",
)
@click.option("--server-name", default=None, help="TLS name to verify (default: the edge host).")
@click.option("--timeout", type=float, default=5.0, help="Seconds in total.")
@click.option(
    "--password-env",
    default="EXOTEL_SIP_PASSWORD",
    help="Environment variable holding the password; stdin is read when it is unset.",
)
def verify_command(
    edge: str,
    transport: str,
    realm: str,
    user_name: str,
    method: str,
    ca_file: str | None,
    server_name: str | None,
    timeout: float,
    password_env: str,
) -> None:
    """Register (or send OPTIONS) with a digest credential; exit 0 accepted, 1 rejected, 2 error."""
    password = _read_password(password_env)
    if not password:
        # An empty password is a mistake in how the command was called (the variable set to
        # nothing, an empty pipe), not an answer from the edge: say so instead of "rejected".
        raise click.UsageError(
            f"no password given: set {password_env} (or --password-env NAME) to the "
            "credential's password, or pipe it on standard input"
        )
    try:
        result = verify_credential(
            edge,
            "tls" if transport == "tls" else "tcp",
            realm,
            user_name,
            password,
            method="OPTIONS" if method == "OPTIONS" else "REGISTER",
            ca_file=ca_file,
            server_name=server_name,
            timeout=timeout,
        )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(result.summary())
    sys.exit(EXIT_CODES[result.outcome])
