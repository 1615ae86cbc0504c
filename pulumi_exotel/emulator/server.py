"""Run the emulator: ``EmulatorServer`` (uvicorn in a background thread, for tests and tools)
and ``serve`` (blocking, for the ``pulumi-exotel emulator`` command).

The server listens on loopback by default, on a free port when ``port=0``; ``base_url`` is
known, and the server answers, by the time ``start()`` returns. With a ``credential_sink`` the
sink's content is replaced by the stored credentials on start, so a restarted emulator
re-provisions the local SIP edge, and drops what was deleted while the edge was away.

``port_problem`` says, in one line, why a port cannot be listened on (taken, not allowed), so
the command can refuse to start before anything runs instead of failing half-way.
"""

from __future__ import annotations

import errno
import logging
import signal
import socket
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from pulumi_exotel.emulator.accounts import DEFAULT_ACCOUNT, Account
from pulumi_exotel.emulator.app import EmulatorApp, build_app
from pulumi_exotel.emulator.backend import Backend, CredentialSink
from pulumi_exotel.emulator.errors import ExotelFault
from pulumi_exotel.serve_thread import ServerThread

__all__ = [
    "DEFAULT_ACCOUNT",
    "Account",
    "EmulatorServer",
    "EmulatorStopped",
    "port_problem",
    "serve",
]

# Logged by uvicorn when a drop_response fault closes a connection mid-response, on purpose.
_DROPPED_RESPONSE_LOG = "ASGI callable returned without completing response."


class _DroppedResponseFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != _DROPPED_RESPONSE_LOG


_DROPPED_RESPONSE_FILTER = _DroppedResponseFilter()


class EmulatorStopped(RuntimeError):
    """``serve`` stopped because something it depends on (the SIP edge) went away."""


def port_problem(host: str, port: int) -> str | None:
    """Why TCP ``host:port`` cannot be listened on right now, in a few words; None if it can.

    Binds the way the servers do (``SO_REUSEADDR``), so a port in TIME_WAIT is not reported.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            where = f"[{host}]:{port}" if family == socket.AF_INET6 else f"{host}:{port}"
            if exc.errno == errno.EADDRINUSE:
                return f"{where} is already in use by another program"
            if exc.errno == errno.EACCES:
                return f"{where} needs privileges this user does not have"
            return f"cannot listen on {where}: {exc.strerror or exc}"
    return None


class EmulatorServer:
    """The emulator on ``host:port`` in a background thread.

    ``backend_switches`` go to ``Backend`` (``cascade_credentials``,
    ``duplicate_trunk_http_409``, ``unknown_trunk_403``).
    """

    def __init__(
        self,
        db_path: str | Path,
        accounts: Sequence[Account] = (DEFAULT_ACCOUNT,),
        *,
        rate_limit_per_minute: int | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        credential_sink: CredentialSink | None = None,
        **backend_switches: bool,
    ) -> None:
        self.db_path = Path(db_path)
        self.accounts = list(accounts)
        self.rate_limit_per_minute = rate_limit_per_minute
        self.host = host
        self.requested_port = port
        self.credential_sink = credential_sink
        self.backend_switches = backend_switches
        self.backend: Backend | None = None
        self.app: EmulatorApp | None = None
        self._running: ServerThread | None = None

    @property
    def port(self) -> int:
        if self._running is None:
            raise RuntimeError("the emulator is not running")
        return self._running.port

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT`` (no trailing slash); the API is under ``/v2/accounts/...``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> EmulatorServer:
        if self._running is not None:
            raise RuntimeError("the emulator is already running")
        backend = Backend(
            self.db_path, credential_sink=self.credential_sink, **self.backend_switches
        )
        try:
            backend.replay_credentials()
        except ExotelFault:
            backend.close()
            raise RuntimeError(
                f"the local SIP edge could not be provisioned ({backend.edge_problem})"
            ) from None
        app = build_app(
            backend, accounts=self.accounts, rate_limit_per_minute=self.rate_limit_per_minute
        )
        logging.getLogger("uvicorn.error").addFilter(_DROPPED_RESPONSE_FILTER)  # added once
        try:
            running = ServerThread.start(
                app,
                host=self.host,
                port=self.requested_port,
                name="exotel-emulator",
                what="the emulator",
            )
        except BaseException:
            backend.close()
            raise
        self.backend, self.app, self._running = backend, app, running
        return self

    def stop(self) -> None:
        """Stop serving and close the database; safe to call twice."""
        running, self._running = self._running, None
        if running is None:
            return
        running.stop()
        if self.backend is not None:
            self.backend.close()
        self.backend = self.app = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _print_flushed(line: str) -> None:
    print(line, flush=True)  # a parent process may wait for this line on a pipe


def serve(
    host: str = "127.0.0.1",
    port: int = 8765,
    db: str | Path = "exotel-emulator.sqlite",
    accounts: Sequence[Account] | None = None,
    rate_limit: int | None = None,
    *,
    credential_sink: CredentialSink | None = None,
    echo: Callable[[str], Any] | None = None,
    watch: Callable[[], str | None] | None = None,
    **backend_switches: bool,
) -> None:
    """Serve until SIGINT or SIGTERM (call from the main thread).

    Prints ``listening on http://HOST:PORT`` once the server answers, and the default
    account's credentials if no account was given. ``watch`` is polled while serving: a
    message from it stops the server and raises ``EmulatorStopped`` with that message (the
    local SIP edge died, so the emulator would feed credentials to nothing).
    """
    say = echo or _print_flushed
    chosen = list(accounts) if accounts else [DEFAULT_ACCOUNT]
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with EmulatorServer(
            db,
            chosen,
            rate_limit_per_minute=rate_limit,
            host=host,
            port=port,
            credential_sink=credential_sink,
            **backend_switches,
        ) as server:
            if not accounts:
                # The documented demo account: its token is public, not a secret.
                say(
                    f"default account: sid={DEFAULT_ACCOUNT.sid} "
                    f"api_key={DEFAULT_ACCOUNT.api_key} api_token={DEFAULT_ACCOUNT.api_token}"
                )
            problem = watch() if watch is not None else None
            if problem is not None:  # never announce a server whose edge already died
                raise EmulatorStopped(problem)
            # Last, so a parent waiting for this line knows everything above is printed.
            say(f"listening on {server.base_url}")
            while not stop.wait(0.5):
                problem = watch() if watch is not None else None
                if problem is not None:
                    raise EmulatorStopped(problem)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
